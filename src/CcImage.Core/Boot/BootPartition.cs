// One partition the initramfs opens and mounts: which GPT partition it is, how it is protected and where it goes.
namespace CcImage.Core.Boot;

/// <param name="Name">Identifies the partition on the kernel command line (<c>ccimage.verity.&lt;name&gt;</c>), in the
/// console lines and as its device-mapper name (<c>/dev/mapper/&lt;name&gt;</c>).</param>
/// <param name="PartitionLabel">The GPT partition name the init finds the partition by (PARTNAME in the kernel's uevent).</param>
/// <param name="Protection">How the init opens it.</param>
/// <param name="MountPoint">Absolute path in the running system; <c>/</c> is the root filesystem.</param>
public sealed record BootPartition(string Name, string PartitionLabel, PartitionProtection Protection, string MountPoint)
{
    /// <summary>Mount read-only. A verity partition is always mounted read-only.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Verity: the GPT name of the sibling partition holding the hash tree (with a veritysetup superblock).</summary>
    public string? HashPartitionLabel { get; init; }

    /// <summary>Verity: the byte offset inside this partition where the appended hash tree (superblock first) starts.</summary>
    public long? HashOffset { get; init; }

    /// <summary>Extra mount options, comma-separated (e.g. <c>nodev,nosuid,noexec</c>); never <c>ro</c>/<c>rw</c>.</summary>
    public string? MountOptions { get; init; }

    /// <summary>Whether the init mounts it read-only (<see cref="ReadOnly"/>, or any verity partition).</summary>
    public bool MountsReadOnly => ReadOnly || Protection == PartitionProtection.Verity;
}
