// An IBlockDevice over a raw disk image file (random-access reads and writes at byte offsets).
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Disk;

public sealed class FileBlockDevice : IBlockDevice
{
    private readonly SafeFileHandle _handle;

    public FileBlockDevice(string path, bool writable)
    {
        _handle = File.OpenHandle(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
            writable ? FileShare.None : FileShare.Read);
    }

    public long Length => RandomAccess.GetLength(_handle);

    /// <summary>Sets the file's length (growing leaves a hole).</summary>
    public void SetLength(long length) => RandomAccess.SetLength(_handle, length);

    public void ReadAt(long offset, Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(_handle, buffer[done..], offset + done);
            if (n == 0)
            {
                buffer[done..].Clear();
                return;
            }
            done += n;
        }
    }

    public void WriteAt(long offset, ReadOnlySpan<byte> data) => RandomAccess.Write(_handle, data, offset);

    public void Flush() => RandomAccess.FlushToDisk(_handle);

    public void Dispose() => _handle.Dispose();
}
