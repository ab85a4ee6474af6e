// CcRootOverlay: a folder of files laid over an image's root tree when the image is assembled — after the boot assets,
// before the tree is split into partitions — so files of one site (its /etc/hosts, units, settings) reach the image
// without rebuilding the shared root file system stage. Folders merge; a file or symbolic link replaces whatever is at
// its place (never a folder); parent paths are resolved inside the tree, so a link in the tree never leads a write out of it.
using CcImage.Core.Boot;
using CcImage.Core.Caching;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Pipeline;

public static class RootOverlay
{
    /// <summary>What the overlay adds to the key of the tree's content: its tree fingerprint (paths, modes, links, bytes).</summary>
    public static string Fingerprint(string overlay) => TreeFingerprint.Compute(overlay);

    /// <summary>Copies every entry of <paramref name="overlay"/> into the tree at <paramref name="rootTree"/>.</summary>
    public static void Apply(string rootTree, string overlay)
    {
        if (!Directory.Exists(overlay))
            throw Diag.Error(nameof(Strings.RootOverlayNotFolder), overlay);
        Copy(new RootTree(rootTree), new DirectoryInfo(overlay), "");
    }

    private static void Copy(RootTree tree, DirectoryInfo folder, string prefix)
    {
        foreach (var entry in folder.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = prefix + entry.Name;
            if (entry.LinkTarget is { } link)
                File.CreateSymbolicLink(Place(tree, path), link);
            else if (entry is DirectoryInfo dir)
            {
                string? existing = tree.Resolve("/" + path);
                if (existing == null || !Directory.Exists(tree.HostPath(existing)))
                {
                    string created = Place(tree, path);
                    Directory.CreateDirectory(created);
                    SetMode(created, dir.UnixFileMode);
                }
                Copy(tree, dir, path + "/");
            }
            else
            {
                string target = Place(tree, path);
                File.Copy(entry.FullName, target);
                SetMode(target, entry.UnixFileMode);
            }
        }
    }

    /// <summary>The build machine's path for <paramref name="path"/> in the tree, its parents resolved inside the tree and
    /// anything but a folder at its place removed.</summary>
    private static string Place(RootTree tree, string path)
    {
        string parent = "";
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
        {
            string joined = parent.Length == 0 ? part : parent + "/" + part;
            string next = tree.Resolve("/" + joined) ?? joined;
            if (!Directory.Exists(tree.HostPath(next)))
            {
                if (UnixFileStatus.TryGet(tree.HostPath(next)) != null)
                    throw Diag.Error(nameof(Strings.BootAssetPlaceBlocked), "/" + path, tree.Folder, "/" + next);
                Directory.CreateDirectory(tree.HostPath(next));
            }
            parent = next;
        }
        string target = Path.Combine(tree.HostPath(parent), Path.GetFileName(path));
        if (UnixFileStatus.TryGet(target) is { } status)
        {
            if (status.Type == UnixFileStatus.TypeDirectory)
                throw Diag.Error(nameof(Strings.BootAssetPlaceBlocked), "/" + path, tree.Folder, "/" + path);
            File.Delete(target);
        }
        return target;
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }
}
