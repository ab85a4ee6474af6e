// An IDiskSource over a raw disk image file; holes found with SEEK_DATA/SEEK_HOLE are reported as zeros without reading.
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Disk;

public sealed class RawFileSource : IDiskSource
{
    private readonly SafeFileHandle _handle;

    public RawFileSource(string path)
    {
        _handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        Length = RandomAccess.GetLength(_handle);
    }

    public long Length { get; }

    public IEnumerable<DiskExtent> DataExtents() => SparseFile.DataExtents(_handle, Length);

    public void ReadAt(long offset, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = offset + done >= Length ? 0 : RandomAccess.Read(_handle, buffer[done..], offset + done);
            if (n == 0)
            {
                buffer[done..].Clear();
                return;
            }
            done += n;
        }
    }

    public MappedFileWindow? TryMap(long offset, int length) =>
        offset >= 0 && offset + length <= Length ? MappedFileWindow.TryMap(_handle, offset, length) : null;

    public void Dispose() => _handle.Dispose();
}
