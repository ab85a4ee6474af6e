// A stage tree extracted into a work folder (with the stage's overlay applied) and split by the layout's mount points,
// made only when a partition or the initramfs has to be built (a build served from the cache extracts nothing). A partition built from the tree at a
// mount point gets that subtree, moved out of the root's tree, whose mount point stays as an empty folder; partitions
// formatted at boot keep their subtree in the root filesystem, where the init copies it from at every boot.
using CcImage.Core.Boot;
using CcImage.Core.Caching;
using CcImage.Core.Layout;

namespace CcImage.Core.Pipeline;

public sealed class TreeWorkspace : IDisposable
{
    private readonly StageTree _tree;
    private readonly IReadOnlyList<LayoutPartition> _layout;
    private readonly string _work;
    private readonly Action<string, string, CancellationToken> _extract;
    private readonly CancellationToken _cancellationToken;
    private readonly BootLayout _bootLayout;
    private string? _root;
    private string? _contentKey;

    /// <param name="extract">Extracts a tarball (first argument) into an empty folder (second), keeping owners and modes.</param>
    public TreeWorkspace(StageTree tree, IReadOnlyList<LayoutPartition> layout, BootLayout bootLayout, string workDirectory,
        Action<string, string, CancellationToken> extract, CancellationToken cancellationToken)
    {
        _bootLayout = bootLayout;
        _tree = tree;
        _layout = layout;
        _work = workDirectory;
        _extract = extract;
        _cancellationToken = cancellationToken;
    }

    /// <summary>CcRootOverlay: a folder laid over the tree after the boot assets (RootOverlay), or null.</summary>
    public string? Overlay { get; init; }

    /// <summary>
    /// The key of the tree as the partitions and the initramfs see it: the stage tree, plus the boot contract's files,
    /// the layout's mount points, the stage's overlay and the site's root overlay, which Prepare writes into it.
    /// </summary>
    public string ContentKey => _contentKey ??= ComputeContentKey();

    private string ComputeContentKey()
    {
        var manifest = new CacheManifest("tree-content", 1)
            .Add("tree", _tree.Key)
            .Add("boot-assets", BootAssets.RootFilesHash)
            .Add("mount-points", string.Join(",", _layout.Where(p => p.MountPoint != null).Select(p => p.MountPoint).Order(StringComparer.Ordinal)));
        if (_tree.Overlay is { } stageOverlay)
            manifest.Add("overlay", stageOverlay.Key);
        if (Overlay is { } rootOverlay)
            manifest.Add("root-overlay", "tree:" + RootOverlay.Fingerprint(rootOverlay));
        return manifest.Key;
    }


    /// <summary>True for partitions whose files come out of the root tree into their own file system.</summary>
    public static bool TakesSubtree(LayoutPartition p) => p.MountPoint is { } m && m != "/" && !p.FormattedAtBoot;

    /// <summary>The extracted root tree (with the split-off subtrees removed).</summary>
    public string Root => _root ??= Prepare();

    /// <summary>The folder of files for a partition mounted at a mount point (the root tree for "/").</summary>
    public string FolderFor(LayoutPartition partition)
    {
        string root = Root;
        return partition.IsRoot ? root
            : TakesSubtree(partition) ? Path.Combine(_work, "parts", partition.Name)
            : throw new ArgumentException($"Partition '{partition.Name}' takes no files from the tree.", nameof(partition));
    }

    private string Prepare()
    {
        if (Directory.Exists(_work))
            Directory.Delete(_work, recursive: true);
        string root = Path.Combine(_work, "tree");
        Directory.CreateDirectory(root);
        Directory.CreateDirectory(Path.Combine(_work, "parts"));
        _extract(_tree.TarPath, root, _cancellationToken);
        // What the stage adds at assembly (its role's folders, a startup kit), before the tree is split by mount point.
        _tree.Overlay?.ApplyTo(root);
        // The root filesystem's side of the boot contract: the ready unit, an fstab that mounts nothing, every mount point.
        BootAssets.InstallInto(root, _bootLayout);
        if (Overlay != null)
            RootOverlay.Apply(root, Overlay);
        // Deeper mount points first, so /a/b is split off before /a.
        foreach (var p in _layout.Where(TakesSubtree).OrderByDescending(p => p.MountPoint!.Length))
        {
            string source = Path.Combine(root, p.MountPoint!.TrimStart('/'));
            string target = Path.Combine(_work, "parts", p.Name);
            if (Directory.Exists(source))
            {
                Directory.Move(source, target);
                Directory.CreateDirectory(source);
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(source, File.GetUnixFileMode(target)); // the mount point keeps the folder's mode
            }
            else
            {
                Directory.CreateDirectory(source);
                Directory.CreateDirectory(target);
            }
        }
        return root;
    }

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(_work))
                Directory.Delete(_work, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
