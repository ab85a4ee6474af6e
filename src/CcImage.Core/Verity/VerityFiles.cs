// File helpers shared by the verity formatter and verifier: opening the data and hash files, telling whether both
// names are one file, reading exactly, and the same-file overlap rule of veritysetup.
using CcImage.Core.Config;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Verity;

internal static partial class VerityFiles
{
    /// <summary>True when both paths name the same file: the same path after following symbolic links, or the same inode.</summary>
    public static bool AreSameFile(string a, string b) => Caching.FileIdentity.AreSame(a, b);

    public static SafeFileHandle OpenExisting(string path, string what, bool writable)
    {
        InputFile.RequireFileOrBlockDevice(path, what);
        return File.OpenHandle(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read, FileShare.ReadWrite);
    }

    /// <summary>True for an existing block or character device.</summary>
    public static bool IsDevice(string path) =>
        UnixFileStatus.TryGet(path) is { Type: UnixFileStatus.TypeBlockDevice or UnixFileStatus.TypeCharDevice };

    /// <summary>The size of a file or device in bytes.</summary>
    public static long Length(SafeFileHandle file)
    {
        long length = RandomAccess.GetLength(file);
        if (length == 0 && IoctlGetSize(file, BlockGetSize64, out ulong deviceBytes) == 0)
            return (long)deviceBytes;
        return length;
    }

    /// <summary>BLKGETSIZE64 from linux/fs.h: a block device's size in bytes (regular files report it via fstat).</summary>
    private const ulong BlockGetSize64 = 0x80081272;

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int IoctlGetSize(SafeFileHandle fd, ulong request, out ulong size);

    public static void ReadExactly(SafeFileHandle file, string fileName, Span<byte> buffer, long offset)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(file, buffer[done..], offset + done);
            if (n == 0)
                throw Diag.Error(nameof(Strings.VerityFileTooShort), fileName, offset + buffer.Length);
            done += n;
        }
    }
}
