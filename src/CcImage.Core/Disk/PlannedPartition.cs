// A partition after planning: where it lies on the disk, its GPT entry values and where its bytes come from.
using CcImage.Core.Gpt;

namespace CcImage.Core.Disk;

public sealed record PlannedPartition
{
    /// <summary>The entry slot (0-based); tools number it Index + 1.</summary>
    public required int Index { get; init; }

    public required string Name { get; init; }

    /// <summary>The GPT PartitionName.</summary>
    public required string GptName { get; init; }

    public required Guid TypeGuid { get; init; }
    public required Guid UniqueGuid { get; init; }
    public required ulong Attributes { get; init; }
    public required long FirstLBA { get; init; }

    /// <summary>Inclusive.</summary>
    public required long LastLBA { get; init; }

    public required int SectorSize { get; init; }
    public required PartitionContentKind ContentKind { get; init; }

    /// <summary>The folder (Ext4, may be null for an empty file system) or image file (RawImage).</summary>
    public string? SourcePath { get; init; }

    /// <summary>For Ext4: the file system UUID, directory hash seed and volume label.</summary>
    public Guid FileSystemUuid { get; init; }
    public Guid HashSeed { get; init; }
    public string FileSystemLabel { get; init; } = "";

    /// <summary>For Ext4: keep the source files' owners instead of making every file root's.</summary>
    public bool PreserveOwnership { get; init; }

    public long Offset => FirstLBA * SectorSize;
    public long Length => (LastLBA - FirstLBA + 1) * SectorSize;

    /// <summary>The GPT entry for this partition.</summary>
    public GptPartitionEntry ToEntry() => new()
    {
        Index = Index,
        PartitionTypeGUID = TypeGuid,
        UniquePartitionGUID = UniqueGuid,
        StartingLBA = FirstLBA,
        EndingLBA = LastLBA,
        Attributes = Attributes,
        PartitionName = GptName,
    };
}
