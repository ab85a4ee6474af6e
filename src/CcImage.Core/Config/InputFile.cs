// The one check of a file a caller named as input: it exists (CCIMG1003), is a regular file rather than a folder, FIFO
// or device (CCIMG1150; reading /dev/zero or a FIFO would never end), and, where its size matters, is not larger than
// a plausible bound (CCIMG1151). Checked with stat before the file is opened, so a FIFO is never opened.
using System.Globalization;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Config;

public static class InputFile
{
    /// <summary>The largest firmware image (OVMF, Coconut-SVSM) we read into memory; real ones are 2-32 MiB.</summary>
    public const long MaxFirmwareBytes = 256L << 20;

    /// <summary>The largest kernel we hash; real ones are 5-100 MiB.</summary>
    public const long MaxKernelBytes = 2L << 30;

    /// <summary>The largest initrd we hash; real ones are 10 MiB-1 GiB.</summary>
    public const long MaxInitrdBytes = 16L << 30;

    /// <summary>The largest small text input (root hash files, YAML configs) we read whole.</summary>
    public const long MaxTextBytes = 16L << 20;

    /// <summary>Returns <paramref name="path"/> when it is an existing regular file (symbolic links followed), else
    /// throws CCIMG1003 (missing) or CCIMG1150 (a folder, FIFO, device or socket) naming <paramref name="what"/>.</summary>
    public static string Require(string path, string what) => Require(path, what, long.MaxValue);

    /// <summary>As <see cref="Require(string, string)"/>, also throwing CCIMG1151 when the file is larger than <paramref name="maxBytes"/>.</summary>
    public static string Require(string path, string what, long maxBytes)
    {
        long size = RegularFileSize(path, what, allowBlockDevice: false);
        if (size > maxBytes)
            throw Diag.Error(nameof(Strings.InputFileTooLarge), path, what, size, maxBytes);
        return path;
    }

    /// <summary>Like <see cref="Require(string, string)"/> but also accepts a block device (a disk or partition a tool may read directly).</summary>
    public static string RequireFileOrBlockDevice(string path, string what)
    {
        RegularFileSize(path, what, allowBlockDevice: true);
        return path;
    }

    private static long RegularFileSize(string path, string what, bool allowBlockDevice)
    {
        if (string.IsNullOrEmpty(path))
            throw Diag.Error(nameof(Strings.InputFileMissing), path ?? "", what);
        var status = Status(path);
        if (status is null)
            throw Diag.Error(nameof(Strings.InputFileMissing), path, what);
        uint type = status.Type;
        if (type == UnixFileStatus.TypeRegular || (allowBlockDevice && type == UnixFileStatus.TypeBlockDevice))
            return status.Size;
        throw Diag.Error(nameof(Strings.InputNotRegularFile), path, what, Describe(type));
    }

    /// <summary>The status of <paramref name="path"/> after following symbolic links (null when nothing is there).</summary>
    internal static UnixFileStatus? Status(string path)
    {
        string full = Path.GetFullPath(path);
        if (!OperatingSystem.IsLinux())
        {
            if (Directory.Exists(full))
                return new UnixFileStatus { Mode = UnixFileStatus.TypeDirectory };
            return File.Exists(full) ? new UnixFileStatus { Mode = UnixFileStatus.TypeRegular, Size = new FileInfo(full).Length } : null;
        }
        try
        {
            var link = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
            if (link != null)
                full = link.FullName;
        }
        catch (IOException)
        {
            return null; // a loop of links
        }
        return UnixFileStatus.TryGet(full);
    }

    /// <summary>A file type in words, for messages.</summary>
    internal static string Describe(uint type) => type switch
    {
        UnixFileStatus.TypeDirectory => "a folder",
        UnixFileStatus.TypeFifo => "a FIFO (named pipe)",
        UnixFileStatus.TypeCharDevice => "a character device",
        UnixFileStatus.TypeBlockDevice => "a block device",
        UnixFileStatus.TypeSocket => "a socket",
        UnixFileStatus.TypeSymlink => "a dangling symbolic link",
        _ => "a special file of type 0x" + type.ToString("x", CultureInfo.InvariantCulture),
    };
}
