// SHA-256 of whole files (firmware, kernel, initrd, downloaded packages, cache entries), read sequentially, and the
// lower-case hex that manifests, pins and expected-measurement.json use.
using System.Security.Cryptography;

namespace CcImage.Core.Hashing;

public static class FileHash
{
    /// <summary>The SHA-256 of the file's contents.</summary>
    public static byte[] Sha256(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 20,
            FileOptions.SequentialScan);
        return SHA256.HashData(file);
    }

    /// <summary>The SHA-256 of the file's contents as lower-case hex.</summary>
    public static string Sha256Hex(string path) => Convert.ToHexString(Sha256(path)).ToLowerInvariant();
}
