// SHA-256 of large files (kernel, initrd) read in big chunks, so each input is hashed exactly once at disk speed.
using System.Security.Cryptography;

namespace CcImage.Core.Snp;

public static class FileDigest
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

    /// <summary>The SHA-384 of each 4 KiB page of <paramref name="data"/> (a whole number of pages).</summary>
    public static byte[][] Sha384Pages(byte[] data)
    {
        int pages = data.Length / AmdSevSnpAbi.PageSize;
        var digests = new byte[pages][];
        // One hash object reused for every page: OpenSSL's per-digest set-up costs more than hashing 4 KiB.
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
        for (int page = 0; page < pages; page++)
        {
            hash.AppendData(data, page * AmdSevSnpAbi.PageSize, AmdSevSnpAbi.PageSize);
            digests[page] = hash.GetHashAndReset();
        }
        return digests;
    }
}
