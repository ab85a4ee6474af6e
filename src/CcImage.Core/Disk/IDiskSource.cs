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
}

/// <summary>A byte range of a disk.</summary>
public readonly record struct DiskExtent(long Offset, long Length)
{
    public long End => Offset + Length;
}
