// Builds the raw disk files the qcow2 tests convert: empty, tiny, unaligned, spread over several L2 tables and
// refcount blocks, all zeros (allocated), all data and randomly sparse. Content comes from fixed seeds.
namespace CcImage.Tests.Qcow2;

internal static class RawShapes
{
    public static readonly string[] All = ["empty", "one-byte", "unaligned", "multi-l2", "zeros", "all-data", "sparse-random"];

    /// <summary>Writes the shape <paramref name="shape"/> for <paramref name="clusterSize"/> to <paramref name="path"/>.</summary>
    public static void Create(string path, string shape, int clusterSize)
    {
        var random = new Random(shape.Length * 7919 + clusterSize);
        using var file = new FileStream(path, FileMode.Create, FileAccess.ReadWrite);
        switch (shape)
        {
            case "empty":
                break;
            case "one-byte":
                file.WriteByte(0x5a);
                break;
            case "unaligned":
                file.Write(Bytes(random, 3 * clusterSize + 1234));
                break;
            case "multi-l2":
            {
                // Three L2 ranges with data; with small clusters also more clusters than one refcount block counts.
                long coverage = (long)clusterSize * (clusterSize / 8);
                int run = Math.Min(700 * clusterSize, 512 << 10);
                for (int i = 0; i < 3; i++)
                {
                    file.Position = i * coverage + clusterSize / 2;
                    file.Write(Bytes(random, run));
                }
                file.SetLength(Math.Max(file.Length + 77, 3 * coverage - clusterSize + 77));
                break;
            }
            case "zeros":
                file.Write(new byte[5 * clusterSize + 7]);
                break;
            case "all-data":
                file.Write(Bytes(random, 7 * clusterSize + 3));
                break;
            case "sparse-random":
            {
                long length = 64L * clusterSize + 500;
                file.SetLength(length);
                for (int i = 0; i < 24; i++)
                {
                    long offset = random.NextInt64(length);
                    int count = (int)Math.Min(length - offset, random.Next(1, 3 * clusterSize));
                    file.Position = offset;
                    // Some runs are explicit zeros: written (allocated) but must not be stored.
                    file.Write(i % 4 == 3 ? new byte[count] : Bytes(random, count));
                }
                break;
            }
            default:
                throw new ArgumentException(shape);
        }
    }

    public static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }
}
