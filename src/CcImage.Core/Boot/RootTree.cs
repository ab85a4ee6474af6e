// A root filesystem tree on the build machine (e.g. an extracted Debian root): resolves absolute paths inside it the
// way the kernel would inside a chroot, following symbolic links (an absolute target starts again at the tree's
// root, ".." stops at it) without ever leaving the tree, and reports each link it passed through.
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

public sealed class RootTree
{
    /// <summary>Linux's MAXSYMLINKS: more links than this in one lookup is ELOOP.</summary>
    public const int MaxSymlinkHops = 40;

    public RootTree(string folder)
    {
        if (string.IsNullOrWhiteSpace(folder) || !Directory.Exists(folder))
            throw Diag.Error(nameof(Strings.BootRootTreeMissing), folder);
        Folder = Path.GetFullPath(folder);
    }

    /// <summary>The tree's folder on the build machine.</summary>
    public string Folder { get; }

    /// <summary>The build machine's path of <paramref name="relative"/> (a path relative to the tree's root).</summary>
    public string HostPath(string relative) => relative.Length == 0 ? Folder : Path.Combine(Folder, relative);

    /// <summary>
    /// The canonical path (relative, no symbolic links, "" for the root) that <paramref name="path"/> names inside the
    /// tree, or null when it does not exist. Every symbolic link followed is added to <paramref name="links"/> as its
    /// canonical path and its target. CCIMG5136 when the links loop.
    /// </summary>
    public string? Resolve(string path, IDictionary<string, string>? links = null)
    {
        var todo = new LinkedList<string>(Split(path));
        var resolved = new List<string>();
        int hops = 0;
        while (todo.First is { } node)
        {
            string part = node.Value;
            todo.RemoveFirst();
            if (part == "..")
            {
                if (resolved.Count > 0)
                    resolved.RemoveAt(resolved.Count - 1);
                continue;
            }
            string candidate = string.Join('/', resolved.Append(part));
            var status = UnixFileStatus.TryGet(HostPath(candidate));
            if (status is null)
                return null;
            if (status.Type == UnixFileStatus.TypeSymlink)
            {
                if (++hops > MaxSymlinkHops)
                    throw Diag.Error(nameof(Strings.BootSymlinkLoop), path, Folder, MaxSymlinkHops);
                string target = new FileInfo(HostPath(candidate)).LinkTarget ?? "";
                if (links != null)
                    links[candidate] = target;
                if (target.StartsWith('/'))
                    resolved.Clear();
                foreach (string t in Split(target).Reverse())
                    todo.AddFirst(t);
                continue;
            }
            if (status.Type != UnixFileStatus.TypeDirectory && todo.Count > 0)
                return null;
            resolved.Add(part);
        }
        return string.Join('/', resolved);
    }

    private static IEnumerable<string> Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".");
}
