// Deterministic, name-based GUIDs for disks, partitions and file systems, so the same project builds the same bytes.
// Scheme (RFC 9562 §5.8 UUIDv8 with the name-based SHA-256 construction of its Appendix B.2): take
// SHA-256(namespace ID in network byte order ‖ UTF-8 name), keep the first 16 bytes, set the version nibble to 8 and the
// variant bits to 10. The namespace is CcImage's own constant; names are "<seed>/<purpose>[/<partition name>]".
using System.Security.Cryptography;
using System.Text;

namespace CcImage.Core.Disk;

public static class DerivedGuid
{
    /// <summary>CcImage's namespace ID for derived GUIDs (a fixed random UUID, never to change).</summary>
    public static readonly Guid CcImageNamespace = new("5e0c9a4e-7f1d-4b4a-9c39-2a8f6d3b1c70");

    private const int UuidSize = 16;
    private const int VersionByte = 6;
    private const byte VersionMask = 0x0F;
    private const byte Version8 = 0x80;
    private const int VariantByte = 8;
    private const byte VariantMask = 0x3F;
    private const byte VariantRfc = 0x80;

    /// <summary>The UUIDv8 for <paramref name="name"/> in <paramref name="namespaceId"/>.</summary>
    public static Guid FromName(Guid namespaceId, string name)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] input = new byte[UuidSize + nameBytes.Length];
        namespaceId.TryWriteBytes(input, bigEndian: true, out _);
        nameBytes.CopyTo(input, UuidSize);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(input, hash);
        Span<byte> uuid = hash[..UuidSize];
        uuid[VersionByte] = (byte)((uuid[VersionByte] & VersionMask) | Version8);
        uuid[VariantByte] = (byte)((uuid[VariantByte] & VariantMask) | VariantRfc);
        return new Guid(uuid, bigEndian: true);
    }

    /// <summary>The GPT DiskGUID for the project <paramref name="seed"/>.</summary>
    public static Guid Disk(string seed) => FromName(CcImageNamespace, seed + "/disk");

    /// <summary>The UniquePartitionGUID of partition <paramref name="partition"/>.</summary>
    public static Guid Partition(string seed, string partition) => FromName(CcImageNamespace, seed + "/partition/" + partition);

    /// <summary>The ext4 file system UUID of partition <paramref name="partition"/>.</summary>
    public static Guid FileSystem(string seed, string partition) => FromName(CcImageNamespace, seed + "/ext4-uuid/" + partition);

    /// <summary>The ext4 directory-hash seed of partition <paramref name="partition"/>.</summary>
    public static Guid HashSeed(string seed, string partition) => FromName(CcImageNamespace, seed + "/ext4-hash-seed/" + partition);
}
