// What a planned partition's bytes come from.
namespace CcImage.Core.Disk;

public enum PartitionContentKind
{
    /// <summary>Nothing: the partition reads as zeros.</summary>
    None,

    /// <summary>An ext4 file system built from a folder (or empty when there is no folder).</summary>
    Ext4,

    /// <summary>A prebuilt raw image file.</summary>
    RawImage,
}
