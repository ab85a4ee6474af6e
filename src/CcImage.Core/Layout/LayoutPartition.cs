// One partition of an image's layout after validation: the declared spec with its protection, mount point and, for
// verity, where the hash tree goes. Where it was declared (file, line) travels with it for later errors.
using CcImage.Core.Boot;
using CcImage.Core.Disk;

namespace CcImage.Core.Layout;

public sealed record LayoutPartition(PartitionSpec Spec, PartitionProtection Protection, string? MountPoint, VerityPlacement Verity)
{
    public string Name => Spec.Name;

    /// <summary>The GPT partition name (and ext4 label): PartitionLabel, else the name.</summary>
    public string Label => Spec.Label ?? Spec.Name;

    public bool IsRoot => MountPoint == "/";

    /// <summary>Formatted at boot (LUKS): nothing of it is built, its space is left empty.</summary>
    public bool FormattedAtBoot => Protection is PartitionProtection.LuksEphemeral or PartitionProtection.LuksKeyfile;

    /// <summary>The name of the sibling hash partition of a verity partition.</summary>
    public string HashPartitionName => Name + "-verity";

    public string? File { get; init; }
    public int Line { get; init; }
}
