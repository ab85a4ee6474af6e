// The result of DiskLayout.Plan: disk size, DiskGUID and the placed partitions; turns into a GptTable.
using CcImage.Core.Gpt;

namespace CcImage.Core.Disk;

public sealed record DiskPlan(int SectorSize, long DiskSectors, Guid DiskGuid, IReadOnlyList<PlannedPartition> Partitions)
{
    public long TotalBytes => DiskSectors * SectorSize;

    public GptTable ToGptTable() => new(SectorSize, DiskSectors, DiskGuid, Partitions.Select(p => p.ToEntry()));
}
