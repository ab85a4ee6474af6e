// Hard links for cache entries that share files (link(2) through libc), with a copy where the file system refuses.
using System.Runtime.InteropServices;

namespace CcImage.Core.Caching;

internal static partial class HardLink
{
    public static void CreateOrCopy(string existing, string link)
    {
        if (OperatingSystem.IsWindows() || NativeLink(existing, link) != 0)
            File.Copy(existing, link);
    }

    [LibraryImport("libc", EntryPoint = "link", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int NativeLink(string oldPath, string newPath);
}
