// The hash algorithms a dm-verity tree can use here, with their digest sizes and the names written in the superblock.
// Spec: cryptsetup lib/verity/verity_hash.c (verify_hash_block); kernel Documentation/admin-guide/device-mapper/verity.rst.
using System.Security.Cryptography;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Verity;

public sealed record VerityHashAlgorithm(string Name, HashAlgorithmName DotNetName, int DigestSize)
{
    public static readonly VerityHashAlgorithm Sha1 = new("sha1", HashAlgorithmName.SHA1, 20);
    public static readonly VerityHashAlgorithm Sha256 = new("sha256", HashAlgorithmName.SHA256, 32);
    public static readonly VerityHashAlgorithm Sha384 = new("sha384", HashAlgorithmName.SHA384, 48);
    public static readonly VerityHashAlgorithm Sha512 = new("sha512", HashAlgorithmName.SHA512, 64);

    private static readonly VerityHashAlgorithm[] Supported = [Sha1, Sha256, Sha384, Sha512];

    /// <summary>The algorithm called <paramref name="name"/> (case-insensitive), or CCIMG2201.</summary>
    public static VerityHashAlgorithm Parse(string? name)
    {
        foreach (var algorithm in Supported)
            if (string.Equals(algorithm.Name, name, StringComparison.OrdinalIgnoreCase))
                return algorithm;
        throw Diag.Error(nameof(Strings.VerityUnsupportedHash), name ?? "");
    }

    /// <summary>
    /// Size of one digest slot in a hash block: format 1 pads each digest to the next power of two, format 0 (Chrome OS)
    /// packs digests without padding (cryptsetup's digest_size_full).
    /// </summary>
    public int SlotSize(int hashType) =>
        hashType == VerityParameters.HashTypeChromeOs ? DigestSize : (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)DigestSize);
}
