// The settings of one dm-verity hash device, named as in cryptsetup's struct crypt_params_verity and `veritysetup format`.
// Spec: cryptsetup lib/verity/verity.h (VERITY_BLOCK_SIZE_OK), lib/setup.c (_crypt_format_verity), man veritysetup.
using System.Numerics;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Verity;

public sealed record VerityParameters
{
    /// <summary>hash_type 0: the original Chrome OS layout (salt after the block, digests packed).</summary>
    public const int HashTypeChromeOs = 0;
    /// <summary>hash_type 1: the normal layout (salt before the block, digests padded to a power of two).</summary>
    public const int HashTypeNormal = 1;
    public const int MinBlockSize = 512;
    public const int MaxBlockSize = 512 * 1024;
    public const int DefaultBlockSize = 4096;
    /// <summary>The hash offset must be a multiple of a 512-byte sector.</summary>
    public const int OffsetAlignment = 512;
    public const int MaxSaltSize = 256;
    /// <summary>veritysetup's DEFAULT_VERITY_SALT_SIZE.</summary>
    public const int DefaultSaltSize = 32;

    /// <summary>hash_name: sha256 (default), sha1, sha384 or sha512.</summary>
    public string HashName { get; init; } = VerityHashAlgorithm.Sha256.Name;

    public int DataBlockSize { get; init; } = DefaultBlockSize;

    public int HashBlockSize { get; init; } = DefaultBlockSize;

    /// <summary>data_size: number of data blocks hashed; 0 means every whole block of the data file.</summary>
    public long DataBlocks { get; init; }

    /// <summary>hash_area_offset: byte offset of the superblock (or of the first hash block) in the hash file.</summary>
    public long HashOffset { get; init; }

    /// <summary>The salt (0 to 256 bytes; empty is veritysetup's <c>--salt -</c>).</summary>
    public byte[] Salt { get; init; } = [];

    /// <summary>The superblock UUID in its text form (8-4-4-4-12 hex digits); required unless <see cref="NoSuperblock"/>.</summary>
    public string? Uuid { get; init; }

    /// <summary>hash_type / veritysetup --format: 1 (normal, default) or 0 (Chrome OS).</summary>
    public int HashType { get; init; } = HashTypeNormal;

    /// <summary>CRYPT_VERITY_NO_HEADER: no superblock; the tree starts at <see cref="HashOffset"/>.</summary>
    public bool NoSuperblock { get; init; }

    public VerityHashAlgorithm Algorithm => VerityHashAlgorithm.Parse(HashName);

    /// <summary>Checks every setting as veritysetup does and throws the matching CCIMG22xx error.</summary>
    public void Validate()
    {
        _ = Algorithm;
        CheckBlockSize(DataBlockSize, "the data block size");
        CheckBlockSize(HashBlockSize, "the hash block size");
        if (HashType is not (HashTypeChromeOs or HashTypeNormal))
            throw Diag.Error(nameof(Strings.VerityBadFormat), HashType);
        if (HashOffset < 0 || HashOffset % OffsetAlignment != 0)
            throw Diag.Error(nameof(Strings.VerityBadHashOffset), HashOffset);
        if (DataBlocks < 0)
            throw Diag.Error(nameof(Strings.VerityBadDataBlocks), DataBlocks);
        if (Salt.Length > MaxSaltSize)
            throw Diag.Error(nameof(Strings.VeritySaltTooLong), Salt.Length);
        if (!NoSuperblock)
            VerityUuid.Parse(Uuid);
    }

    private static void CheckBlockSize(int size, string what)
    {
        if (size < MinBlockSize || size > MaxBlockSize || !BitOperations.IsPow2(size))
            throw Diag.Error(nameof(Strings.VerityBadBlockSize), size, what);
    }
}
