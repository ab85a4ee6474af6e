// The per-page SHA-384 digests of the firmware pages a launch measures (file SHA-256s are Hashing/FileHash).
using System.Security.Cryptography;

namespace CcImage.Core.Snp;

public static class PageDigests
{
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
