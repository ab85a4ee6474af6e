// A read-only virtual disk that can be streamed into an image format: its length, the extents that may hold data
// (everything outside them reads as zeros), and positional reads. Raw files and assembled GPT disks implement it.
namespace CcImage.Core.Disk;

public interface IDiskSource : IDisposable
{
    /// <summary>The virtual size in bytes.</summary>
    long Length { get; }

    /// <summary>
    /// Extents that may contain non-zero bytes, ascending and non-overlapping. Bytes outside them are zero.
    /// An implementation that knows nothing returns one extent covering the whole disk.
    /// </summary>
    IEnumerable<DiskExtent> DataExtents();

    /// <summary>Reads <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>; past the end reads zeros.</summary>
    void ReadAt(long offset, Span<byte> buffer);

    /// <summary>
    /// The <paramref name="length"/> bytes at <paramref name="offset"/> mapped from the file holding them, for a
    /// writer that can use them without a copy; null when this source cannot lend that range (the caller uses
    /// <see cref="ReadAt"/>). The caller disposes the window.
    /// </summary>
    MappedFileWindow? TryMap(long offset, int length) => null;
}

/// <summary>A byte range of a disk.</summary>
public readonly record struct DiskExtent(long Offset, long Length)
{
    public long End => Offset + Length;
}
