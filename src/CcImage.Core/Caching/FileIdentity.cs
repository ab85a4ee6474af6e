// Tells whether two paths name the same file: the same path after following symbolic links, or the same inode on the
// same device (hard links, bind mounts). Used to refuse writing an output over its own input.
using CcImage.Core.Cpio;

namespace CcImage.Core.Caching;

public static class FileIdentity
{
    /// <summary>True when both paths name the same existing file (or the same path).</summary>
    public static bool AreSame(string a, string b)
    {
        string first = Resolve(a), second = Resolve(b);
        if (string.Equals(first, second, StringComparison.Ordinal))
            return true;
        if (!OperatingSystem.IsLinux())
            return false;
        return UnixFileStatus.TryGet(first) is { } x && UnixFileStatus.TryGet(second) is { } y
            && x.Inode == y.Inode && x.DevMajor == y.DevMajor && x.DevMinor == y.DevMinor;
    }

    /// <summary>The full path with symbolic links followed (the path itself when it is not a link or does not exist).</summary>
    public static string Resolve(string path)
    {
        string full = Path.GetFullPath(path);
        try
        {
            var target = new FileInfo(full).ResolveLinkTarget(returnFinalTarget: true);
            return target is null ? full : Path.GetFullPath(target.FullName);
        }
        catch (IOException)
        {
            return full;
        }
    }
}
