// What InitramfsBuilder builds: from which root tree and kernel, for which boot layout, to where.
namespace CcImage.Core.Boot;

/// <param name="RootTree">The extracted root filesystem (its kernel modules, busybox, cryptsetup/veritysetup, e2fsprogs).</param>
/// <param name="KernelVersion">The kernel release whose modules are loaded (the name of /lib/modules/&lt;version&gt;).</param>
/// <param name="Layout">The partitions the init opens and mounts.</param>
/// <param name="Destination">Where initrd.img is written (temp file beside it, then renamed).</param>
public sealed record InitramfsRequest(string RootTree, string KernelVersion, BootLayout Layout, string Destination)
{
    /// <summary>SOURCE_DATE_EPOCH: the mtime of every archive entry.</summary>
    public long SourceDateEpoch { get; init; }

    /// <summary>More modules to load (by name, e.g. <c>nvme</c>, <c>virtio_scsi</c>), with their dependencies, after the layout's.</summary>
    public IReadOnlyList<string> ExtraModules { get; init; } = [];

    /// <summary>
    /// The root tree's own cache key, when the caller has one: the manifest then names it instead of hashing every file
    /// taken from the tree (same tree key, same files).
    /// </summary>
    public string? RootTreeKey { get; init; }
}
