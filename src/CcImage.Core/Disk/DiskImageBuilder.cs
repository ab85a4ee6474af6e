// Stage-1 disk assembly end to end: plans the GPT from partition specs, builds each partition's contents in a work
// folder (ext4 via mke2fs -d), and streams the assembled disk into a qcow2 image written temp-then-rename.
using CcImage.Core.Diagnostics;
using CcImage.Core.Qcow2;
using CcImage.Core.Tools;

namespace CcImage.Core.Disk;

public static class DiskImageBuilder
{
    /// <summary>Builds <see cref="DiskImageRequest.OutputPath"/>; returns the plan that was written.</summary>
    public static DiskPlan Build(DiskImageRequest request, ToolRunner runner, ILog log, CancellationToken cancellationToken = default)
    {
        Qcow2Writer.ValidateClusterSize(request.ClusterSize);
        var plan = DiskLayout.Plan(request.Partitions, request.Seed, request.DiskSize, request.SectorSize, request.BaseDirectory);
        Qcow2Writer.ValidateVirtualSize(plan.TotalBytes, request.ClusterSize, request.DiskSize is null ? "The CcPartition Sizes" : "CcDiskSize");
        log.Info($"Disk {plan.DiskGuid}: {plan.TotalBytes} bytes, {plan.Partitions.Count} partition(s).");

        string work = Path.Combine(request.WorkDirectory, "partitions");
        if (Directory.Exists(work))
            Directory.Delete(work, recursive: true);
        try
        {
            using var disk = DiskAssembler.Assemble(plan, work, runner, request.SourceDateEpoch, cancellationToken);
            new Qcow2Writer(request.ClusterSize).Convert(disk, request.OutputPath, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(work))
                Directory.Delete(work, recursive: true);
        }
        log.Info($"Wrote {request.OutputPath}.");
        return plan;
    }
}

/// <summary>What <see cref="DiskImageBuilder"/> builds: the partitions, where to, and the knobs that shape the bytes.</summary>
public sealed record DiskImageRequest(IReadOnlyList<PartitionSpec> Partitions, string OutputPath, string Seed, string WorkDirectory)
{
    /// <summary>The disk's virtual size; null sizes it to fit the partitions.</summary>
    public long? DiskSize { get; init; }

    public int SectorSize { get; init; } = 512;

    public int ClusterSize { get; init; } = Qcow2Format.DefaultClusterSize;

    /// <summary>Seconds since the epoch written as every file-system time.</summary>
    public long SourceDateEpoch { get; init; }

    /// <summary>The folder relative Content/Image paths are resolved against.</summary>
    public string? BaseDirectory { get; init; }
}
