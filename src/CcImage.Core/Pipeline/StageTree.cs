// A stage's root tree as the pipeline passes it on: its key (for the base tree the tarball's content digest, for a
// layered stage its cache entry's key: what every partition and initramfs made from it is keyed by, together with its
// overlay) and the reproducible tarball in its cache entry.
namespace CcImage.Core.Pipeline;

public sealed record StageTree(string Key, string TarPath)
{
    /// <summary>The kernel version found in the tree (its /usr/lib/modules folder), when it has one.</summary>
    public string? KernelVersion { get; init; }

    /// <summary>The tree's kernel image (vmlinuz), kept beside the tarball in the cache entry.</summary>
    public string? KernelImage { get; init; }

    /// <summary>What the stage adds to the tree when its image is assembled (not part of the cached tarball).</summary>
    public TreeOverlay? Overlay { get; init; }
}
