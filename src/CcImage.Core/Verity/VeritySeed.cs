// Derives a reproducible salt and superblock UUID from a caller-given seed, so builds never need randomness:
//   salt = SHA-256("ccimage-verity-salt\0" ‖ UTF-8(seed))                     (32 bytes, veritysetup's default size)
//   uuid = SHA-256("ccimage-verity-uuid\0" ‖ UTF-8(seed))[0..16] with the RFC 9562 version nibble set to 8 (custom)
//          and the variant bits set to 10.
using System.Security.Cryptography;
using System.Text;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Verity;

public static class VeritySeed
{
    private const string SaltLabel = "ccimage-verity-salt\0";
    private const string UuidLabel = "ccimage-verity-uuid\0";
    private const byte UuidVersionCustom = 0x80;
    private const byte UuidVariantRfc = 0x80;

    /// <summary>The 32-byte salt derived from <paramref name="seed"/>.</summary>
    public static byte[] DeriveSalt(string seed) => Digest(SaltLabel, seed);

    /// <summary>The UUID text derived from <paramref name="seed"/>.</summary>
    public static string DeriveUuid(string seed)
    {
        byte[] bytes = Digest(UuidLabel, seed).AsSpan(0, VerityUuid.Size).ToArray();
        bytes[6] = (byte)((bytes[6] & 0x0F) | UuidVersionCustom);
        bytes[8] = (byte)((bytes[8] & 0x3F) | UuidVariantRfc);
        return VerityUuid.Format(bytes);
    }

    /// <summary>A random salt of veritysetup's default size, for the command line without --salt (as veritysetup).</summary>
    public static byte[] RandomSalt() => RandomNumberGenerator.GetBytes(VerityParameters.DefaultSaltSize);

    /// <summary>A random UUID, for the command line without --uuid (as veritysetup).</summary>
    public static string RandomUuid() => Guid.NewGuid().ToString("D");

    private static byte[] Digest(string label, string seed)
    {
        if (string.IsNullOrEmpty(seed))
            throw Diag.Error(nameof(Strings.VeritySeedEmpty));
        return SHA256.HashData(Encoding.UTF8.GetBytes(label + seed));
    }
}
