// Sets a file's numeric owner and group without following a symbolic link (lchown(2)), for files the pipeline adds
// to an extracted root tree. Needs root for any owner but the caller's own.
using System.ComponentModel;
using System.Runtime.InteropServices;

namespace CcImage.Core.RootFs;

public static partial class FileOwner
{
    /// <summary>Gives <paramref name="path"/> (a link itself, not its target) the owner <paramref name="uid"/>:<paramref name="gid"/>.</summary>
    public static void Set(string path, int uid, int gid)
    {
        if (LChown(path, uid, gid) != 0)
            throw new IOException($"Cannot set the owner of '{path}' to {uid}:{gid}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}.");
    }

    [LibraryImport("libc", EntryPoint = "lchown", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int LChown(string path, int owner, int group);
}
