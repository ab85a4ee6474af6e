// What a stage adds to its cached tree only when the image is assembled: folders with their owners and modes (the
// NVFlare home layout of the site's role) and folders copied from the build machine (the site's startup kit). Keeping
// them out of the cached tree lets one tree serve every role and site; Key names all of it, so the partitions and the
// initramfs made from the tree (TreeWorkspace.ContentKey) change exactly when the overlay does. Paths are resolved
// inside the tree and never through a symbolic link, so nothing is written outside it.
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;

namespace CcImage.Core.Pipeline;

public sealed class TreeOverlay
{
    /// <summary>Bump when the files ApplyTo writes for the same overlay change.</summary>
    public const int FormatVersion = 1;

    /// <summary>0755: folders on the way to an overlay folder that the tree does not have yet.</summary>
    private const UnixFileMode ParentMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>0750: every folder of a copy.</summary>
    private const UnixFileMode CopyFolderMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>0640: a copied file; executable files get <see cref="CopyFolderMode"/>.</summary>
    private const UnixFileMode CopyFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;

    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    public IReadOnlyList<OverlayDirectory> Directories { get; init; } = [];

    public IReadOnlyList<OverlayCopy> Copies { get; init; } = [];

    /// <summary>The overlay's cache key: every folder with its mode and owners, every copy by its source's content.</summary>
    public string Key
    {
        get
        {
            var manifest = new CacheManifest("tree-overlay", FormatVersion);
            int i = 0;
            foreach (var d in Directories)
                manifest.Add($"dir-{i++:D3}", $"{d.Path} {Convert.ToString((int)d.Mode, 8)} {d.Owner}:{d.Group}");
            i = 0;
            foreach (var c in Copies)
                manifest.Add($"copy-{i++:D3}", $"{c.Destination} {c.Owner}:{c.Group} tree:{TreeFingerprint.Compute(c.Source)}");
            return manifest.Key;
        }
    }

    /// <summary>Makes the folders and copies in the extracted tree at <paramref name="root"/>.</summary>
    public void ApplyTo(string root)
    {
        var accounts = TreeAccounts.Read(root);
        foreach (var d in Directories)
        {
            string folder = Folder(root, d.Path);
            SetMode(folder, d.Mode);
            FileOwner.Set(folder, Uid(accounts, d.Owner, d.Path), Gid(accounts, d.Group, d.Path));
        }
        foreach (var c in Copies)
        {
            if (!Directory.Exists(c.Source))
                throw Diag.Error(nameof(Strings.OverlaySourceMissing), c.Source, c.Destination);
            int uid = Uid(accounts, c.Owner, c.Destination), gid = Gid(accounts, c.Group, c.Destination);
            string target = Folder(root, c.Destination);
            SetMode(target, CopyFolderMode);
            FileOwner.Set(target, uid, gid);
            Copy(new DirectoryInfo(c.Source), target, uid, gid);
        }
    }

    private static void Copy(DirectoryInfo source, string target, int uid, int gid)
    {
        foreach (var entry in source.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = Path.Combine(target, entry.Name);
            if (Cpio.UnixFileStatus.TryGet(path) != null)
                throw Diag.Error(nameof(Strings.OverlayPathBlocked), path, "already there", entry.FullName);
            if (entry.LinkTarget is { } link)
                File.CreateSymbolicLink(path, link);
            else if (entry is DirectoryInfo folder)
            {
                Directory.CreateDirectory(path);
                SetMode(path, CopyFolderMode);
                Copy(folder, path, uid, gid);
            }
            else
            {
                File.Copy(entry.FullName, path);
                SetMode(path, (entry.UnixFileMode & AnyExecute) != 0 ? CopyFolderMode : CopyFileMode);
            }
            FileOwner.Set(path, uid, gid);
        }
    }

    /// <summary>The build machine's path of the folder <paramref name="pathInTree"/>, made (0755, root) where missing;
    /// CCIMG4301 when a part of the path is a symbolic link or a file.</summary>
    private static string Folder(string root, string pathInTree)
    {
        string current = root;
        foreach (string part in pathInTree.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part is "." or "..")
                throw new ArgumentException($"'{pathInTree}' is not a plain absolute path.", nameof(pathInTree));
            current = Path.Combine(current, part);
            var status = Cpio.UnixFileStatus.TryGet(current);
            if (status == null)
            {
                Directory.CreateDirectory(current);
                SetMode(current, ParentMode);
            }
            else if (status.Type != Cpio.UnixFileStatus.TypeDirectory)
                throw Diag.Error(nameof(Strings.OverlayPathBlocked), "/" + Path.GetRelativePath(root, current),
                    status.Type == Cpio.UnixFileStatus.TypeSymlink ? "a symbolic link" : "not a folder", pathInTree);
        }
        return current;
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }

    private static int Uid(TreeAccounts accounts, string name, string path) =>
        accounts.UserId(name) ?? throw Diag.Error(nameof(Strings.OverlayOwnerUnknown), "user", name, path);

    private static int Gid(TreeAccounts accounts, string name, string path) =>
        accounts.GroupId(name) ?? throw Diag.Error(nameof(Strings.OverlayOwnerUnknown), "group", name, path);
}
