// SHA-256 of whole files (firmware, kernel, initrd, downloaded packages, cache entries), read sequentially, and the
// lower-case hex that manifests, pins and expected-measurement.json use.
using System.Buffers;
using CcImage.Core.Disk;
using System.Security.Cryptography;

namespace CcImage.Core.Hashing;

public static class FileHash
{
    /// <summary>Bytes read per step: small enough to stay in the CPU's cache between the read and the hash.</summary>
    private const int ChunkSize = 256 << 10;

    /// <summary>The SHA-256 of the file's contents.</summary>
    public static byte[] Sha256(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.SequentialScan);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        byte[] buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long offset = 0;
            int read;
            while ((read = RandomAccess.Read(file, buffer.AsSpan(0, ChunkSize), offset)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                offset += read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return hash.GetHashAndReset();
    }

    /// <summary>Bytes mapped at a time by <see cref="Sha256Mapped"/>.</summary>
    private const int MappedWindowSize = 64 << 20;

    /// <summary>
    /// The SHA-256 of the file's contents, read through read-only, pre-faulted memory maps (MappedFileWindow): no copy
    /// into a buffer, which matters where the hash is the whole cost (a measurement's kernel and initrd). As with any
    /// mapped read, a file truncated by another process while it is hashed ends this one (SIGBUS); use it for inputs
    /// that are not being written. Falls back to <see cref="Sha256"/> where the file cannot be mapped.
    /// </summary>
    public static byte[] Sha256Mapped(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        long length = RandomAccess.GetLength(file);
        if (length <= MappedWindowSize)
        {
            if (length == 0)
                return SHA256.HashData(ReadOnlySpan<byte>.Empty);
            using var whole = MappedFileWindow.TryMap(file, 0, (int)length);
            return whole is null ? Sha256(path) : SHA256.HashData(whole.GetSpan());
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (long offset = 0; offset < length; offset += MappedWindowSize)
        {
            using var window = MappedFileWindow.TryMap(file, offset, (int)Math.Min(MappedWindowSize, length - offset));
            if (window is null)
                return Sha256(path);
            hash.AppendData(window.GetSpan());
        }
        return hash.GetHashAndReset();
    }

    /// <summary>The SHA-256 of the file's contents as lower-case hex.</summary>
    public static string Sha256Hex(string path) => Convert.ToHexString(Sha256(path)).ToLowerInvariant();
}
