// A partition of the layout after its bytes were made: the spec the disk planner gets (Image pointing into the cache,
// explicit size and derived UUID for verity pairs) and, for verity, the root hash the kernel command line carries.
using CcImage.Core.Disk;
using CcImage.Core.Layout;

namespace CcImage.Core.Pipeline;

public sealed record BuiltPartition(LayoutPartition Layout, IReadOnlyList<PartitionSpec> DiskSpecs)
{
    /// <summary>Lower-case hex dm-verity root hash, for verity partitions.</summary>
    public string? RootHash { get; init; }

    /// <summary>For an appended hash tree: its byte offset inside the partition.</summary>
    public long? HashOffset { get; init; }

    /// <summary>The cache entry the partition's image came from, when it has one.</summary>
    public string? CacheKey { get; init; }
}
