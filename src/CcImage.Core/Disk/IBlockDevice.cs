// A random-access, writable view of a disk's virtual bytes: a raw file or a qcow2 image. GPT edits go through it.
namespace CcImage.Core.Disk;

public interface IBlockDevice : IDisposable
{
    /// <summary>The virtual size in bytes.</summary>
    long Length { get; }

    /// <summary>Reads <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>.</summary>
    void ReadAt(long offset, Span<byte> buffer);

    /// <summary>Writes <paramref name="data"/> at <paramref name="offset"/>.</summary>
    void WriteAt(long offset, ReadOnlySpan<byte> data);

    /// <summary>Makes every write durable.</summary>
    void Flush();
}
