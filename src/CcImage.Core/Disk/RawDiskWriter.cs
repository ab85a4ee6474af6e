// Writes any IDiskSource to a raw (sparse) file: only the source's data extents are written, all-zero blocks inside
// them are skipped, the rest stays a hole. Temp file beside the destination, renamed into place.
using CcImage.Core.Caching;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Disk;

public static class RawDiskWriter
{
    private const int ChunkSize = 1 << 20;

    public static void Write(IDiskSource source, string destination, CancellationToken cancellationToken = default)
    {
        AtomicFile.Write(destination, temp =>
        {
            using (SafeFileHandle file = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite))
            {
                RandomAccess.SetLength(file, source.Length);
                byte[] buffer = new byte[ChunkSize];
                foreach (var extent in source.DataExtents())
                {
                    long end = Math.Min(extent.End, source.Length);
                    for (long pos = extent.Offset; pos < end; pos += ChunkSize)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var chunk = buffer.AsSpan(0, (int)Math.Min(ChunkSize, end - pos));
                        source.ReadAt(pos, chunk);
                        if (chunk.ContainsAnyExcept((byte)0))
                            RandomAccess.Write(file, chunk, pos);
                    }
                }
                RandomAccess.FlushToDisk(file);
            }
        });
    }
}
