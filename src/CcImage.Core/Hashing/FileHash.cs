// SHA-256 of whole files (firmware, kernel, initrd, downloaded packages) read in big sequential chunks, so each input is
// hashed once at disk speed; also in the lower-case hex that manifests, pins and expected-measurement.json use.
using System.Security.Cryptography;

namespace CcImage.Core.Hashing;

public static class FileHash
{
    private const int ChunkSize = 1 << 20;

    /// <summary>The SHA-256 of the file's contents.</summary>
    public static byte[] Sha256(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0,
            FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ChunkSize];
        int read;
        while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
            hash.AppendData(buffer, 0, read);
        return hash.GetHashAndReset();
    }

    /// <summary>The SHA-256 of the file's contents as lower-case hex.</summary>
    public static string Sha256Hex(string path) => Convert.ToHexString(Sha256(path)).ToLowerInvariant();
}
