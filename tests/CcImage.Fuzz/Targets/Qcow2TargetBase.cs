// What the three qcow2 targets run on an input image: open it read-only (header, L1/L2 and refcount walk), read its
// data (at most 16 MiB of it), then grow it in place — with --grow-gpt for half the inputs — and check the transactional
// rule: a resize that fails leaves the file byte-identical with no journal or temp beside it; one that succeeds leaves
// an image that opens again. The targets differ in where the mutations go (Focus).
using System.Buffers.Binary;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;

namespace CcImage.Fuzz.Targets;

internal abstract class Qcow2TargetBase : IFuzzTarget
{
    private const long MaxBytesRead = 16L << 20;

    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract IReadOnlyList<(int Start, int Length)> Focus(byte[] seed);

    public void Run(byte[] input, string scratch)
    {
        string path = Path.Combine(scratch, "image.qcow2");
        File.WriteAllBytes(path, input);
        using (var image = Qcow2Image.Open(path))
        {
            _ = image.GetInfo();
            var buffer = new byte[1 << 16];
            long budget = MaxBytesRead;
            foreach (var extent in image.DataExtents())
            {
                for (long at = extent.Offset; at < extent.End && budget > 0; at += buffer.Length, budget -= buffer.Length)
                    image.ReadAt(at, buffer.AsSpan(0, (int)Math.Min(buffer.Length, extent.End - at)));
                if (budget <= 0)
                    break;
            }
        }

        bool growGpt = input.Length % 2 == 0;
        try
        {
            ImageResizer.GrowQcow2(path, "+1M", growGpt, NullLog.Instance);
        }
        catch (CcImageException)
        {
            if (!File.ReadAllBytes(path).AsSpan().SequenceEqual(input))
                throw new FuzzPropertyException($"a failed resize (grow-gpt {growGpt}) changed the image");
            AssertNoDebris(scratch);
            throw;
        }
        AssertNoDebris(scratch);
        try
        {
            using var grown = Qcow2Image.Open(path, writable: true);
        }
        catch (CcImageException e)
        {
            throw new FuzzPropertyException($"a successful resize (grow-gpt {growGpt}) left an image that does not open again: {e}");
        }
    }

    private static void AssertNoDebris(string scratch)
    {
        var debris = Directory.GetFiles(scratch).Where(f => f.Contains(".undo-", StringComparison.Ordinal) || f.Contains(".tmp-", StringComparison.Ordinal)).ToList();
        if (debris.Count > 0)
            throw new FuzzPropertyException("a resize left " + string.Join(", ", debris.Select(Path.GetFileName)));
    }

    // Tolerant readers of the seed's header, for the focus ranges (a seed may itself be damaged).
    protected static int ClusterBits(byte[] seed) => seed.Length >= 24 ? (int)Math.Clamp(BinaryPrimitives.ReadUInt32BigEndian(seed.AsSpan(20)), 9, 21) : 16;

    protected static long U64(byte[] seed, long at) => at >= 0 && at + 8 <= seed.Length ? (long)(BinaryPrimitives.ReadUInt64BigEndian(seed.AsSpan((int)at)) & 0x00ff_ffff_ffff_fe00UL) : 0;

    protected static uint U32(byte[] seed, int at) => at + 4 <= seed.Length ? BinaryPrimitives.ReadUInt32BigEndian(seed.AsSpan(at)) : 0;

    protected static void AddRange(List<(int, int)> ranges, byte[] seed, long start, long length)
    {
        if (start > 0 && start < seed.Length && length > 0)
            ranges.Add(((int)start, (int)Math.Min(length, seed.Length - start)));
    }
}
