// One partition as the project declares it (the CcPartition MSBuild item; docs/partitions.md). Values are the raw
// metadata strings; DiskLayout.Plan validates and resolves them.
namespace CcImage.Core.Disk;

/// <param name="Name">The item's Include: identifies the partition, seeds its derived GUIDs, default GPT name and label.</param>
public sealed record PartitionSpec(string Name)
{
    /// <summary>Bytes or a size with suffix (K, M, G, T); <c>*</c> fills the rest of the disk (last partition only);
    /// empty takes the size from the content.</summary>
    public string? Size { get; init; }

    /// <summary>A folder whose tree becomes an ext4 file system in the partition.</summary>
    public string? Content { get; init; }

    /// <summary>A prebuilt raw image file copied into the partition.</summary>
    public string? Image { get; init; }

    /// <summary>An explicit partition type GUID.</summary>
    public string? Type { get; init; }

    /// <summary>A role from the type GUID table (PartitionRoles), e.g. <c>root</c>, <c>esp</c>.</summary>
    public string? Role { get; init; }

    /// <summary>The GPT partition name and ext4 volume label (defaults to <see cref="Name"/>).</summary>
    public string? Label { get; init; }

    /// <summary>An explicit UniquePartitionGUID (otherwise derived from the seed and the name).</summary>
    public string? Uuid { get; init; }

    /// <summary>GPT attribute names, bit numbers or a 0x mask (GptAttributes.TryParse).</summary>
    public string? Attributes { get; init; }

    /// <summary><c>ext4</c> or <c>none</c>; defaults to ext4 when <see cref="Content"/> is set, else none.</summary>
    public string? Filesystem { get; init; }

    /// <summary><c>true</c> keeps the owners of the Content folder's files; by default every file is owned by root (0:0),
    /// so a checkout by any user gives the same bytes.</summary>
    public string? PreserveOwnership { get; init; }

    /// <summary>Where the image mounts the partition (absolute); a partition mounted at / makes the image bootable and
    /// takes its files from the root filesystem, others take the root filesystem's files under their mount point.</summary>
    public string? MountPoint { get; init; }

    /// <summary><c>verity</c>, <c>luks-ephemeral</c>, <c>luks-keyfile</c> or <c>none</c> (PartitionProtectionNames).</summary>
    public string? Protection { get; init; }

    /// <summary>The site roles the partition exists for: <c>server</c>, <c>client</c>, <c>all</c>, separated by ; or ,.</summary>
    public string? Roles { get; init; }

    /// <summary>For verity: <c>partition</c> (hash tree in a sibling partition, the default) or <c>appended</c>.</summary>
    public string? VerityHash { get; init; }

    /// <summary>Mount options the booted image mounts the partition with, comma-separated (e.g. <c>ro,noexec</c>): <c>ro</c>
    /// mounts it read-only, the others are added to <c>nodev,nosuid</c>. Ignored for the root.</summary>
    public string? MountOptions { get; init; }

    /// <summary>The metadata names of the CcPartition item, one per property above (Label is PartitionLabel: MSBuild reserves Label).</summary>
    public static IReadOnlyList<string> MetadataNames { get; } =
        ["Size", "Content", "Image", "Type", "Role", "PartitionLabel", "Uuid", "Attributes", "Filesystem", "PreserveOwnership",
         "MountPoint", "Protection", "Roles", "VerityHash", "MountOptions"];

    /// <summary>
    /// A spec from an item's Include and a metadata lookup (e.g. MSBuild's ITaskItem.GetMetadata); empty values count as unset.
    /// </summary>
    public static PartitionSpec FromMetadata(string include, Func<string, string?> metadata)
    {
        string? Get(string name) => string.IsNullOrWhiteSpace(metadata(name)) ? null : metadata(name);
        return new PartitionSpec(include)
        {
            Size = Get("Size"),
            Content = Get("Content"),
            Image = Get("Image"),
            Type = Get("Type"),
            Role = Get("Role"),
            Label = Get("PartitionLabel"), // MSBuild reserves the attribute name Label
            Uuid = Get("Uuid"),
            Attributes = Get("Attributes"),
            Filesystem = Get("Filesystem"),
            PreserveOwnership = Get("PreserveOwnership"),
            MountPoint = Get("MountPoint"),
            Protection = Get("Protection"),
            Roles = Get("Roles"),
            VerityHash = Get("VerityHash"),
            MountOptions = Get("MountOptions"),
        };
    }
}
