// Finds the data regions of a sparse file with lseek(SEEK_DATA/SEEK_HOLE), so holes are never read.
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Disk;

public static partial class SparseFile
{
    private const int SEEK_DATA = 3;
    private const int SEEK_HOLE = 4;
    private const int ENXIO = 6;

    /// <summary>
    /// The extents of <paramref name="handle"/> that may hold data, ascending. Where the file system cannot
    /// tell (or on a platform without SEEK_DATA), the whole file is one extent.
    /// </summary>
    public static IEnumerable<DiskExtent> DataExtents(SafeFileHandle handle, long length)
    {
        if (length == 0)
            yield break;
        if (!OperatingSystem.IsLinux())
        {
            yield return new DiskExtent(0, length);
            yield break;
        }
        int fd = (int)handle.DangerousGetHandle();
        long position = 0;
        while (position < length)
        {
            long data = LSeek(fd, position, SEEK_DATA);
            if (data < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == ENXIO) yield break;           // no more data after position
                yield return new DiskExtent(position, length - position); // unsupported: assume data
                yield break;
            }
            if (data >= length) yield break;
            long hole = LSeek(fd, data, SEEK_HOLE);
            if (hole < 0 || hole > length) hole = length;
            yield return new DiskExtent(data, hole - data);
            position = hole;
        }
    }

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    private static partial long LSeek(int fd, long offset, int whence);
}
