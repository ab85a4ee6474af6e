// A set of files taken from a root tree for an initramfs: each file at its canonical path, plus every symbolic link
// met on the way to it, so the same absolute paths work inside the initramfs (e.g. /lib64/ld-linux-x86-64.so.2 via
// the links lib64 -> usr/lib64 -> ../lib/x86_64-linux-gnu/...). Sorted, so the archive does not depend on the order
// files were added in.
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

public sealed class RootTreeSelection
{
    private readonly SortedDictionary<string, string> _files = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _links = new(StringComparer.Ordinal);

    public RootTreeSelection(RootTree tree) => Tree = tree;

    public RootTree Tree { get; }

    /// <summary>Canonical paths (relative to the root) of the regular files selected, each with why it was taken.</summary>
    public IReadOnlyDictionary<string, string> Files => _files;

    /// <summary>Canonical paths of the symbolic links selected, with their targets as stored.</summary>
    public IReadOnlyDictionary<string, string> Links => _links;

    /// <summary>
    /// Selects the regular file <paramref name="path"/> names (and the links to it); returns its canonical path, or null
    /// when the tree has no such regular file.
    /// </summary>
    public string? TryAdd(string path, string reason)
    {
        var links = new Dictionary<string, string>(StringComparer.Ordinal);
        string? canonical = Tree.Resolve(path, links);
        if (canonical is null || UnixFileStatus.TryGet(Tree.HostPath(canonical))?.Type != UnixFileStatus.TypeRegular)
            return null;
        foreach (var (link, target) in links)
            _links[link] = target;
        _files.TryAdd(canonical, reason);
        return canonical;
    }

    /// <summary>As <see cref="TryAdd"/>; CCIMG5131 naming <paramref name="package"/> when the file is missing.</summary>
    public string Add(string path, string reason, string package) =>
        TryAdd(path, reason) ?? throw Diag.Error(nameof(Strings.BootFileMissing), path, Tree.Folder, reason, package);
}
