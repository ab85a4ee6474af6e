// Task: turns the project's CcPartition items into a GPT disk inside a qcow2 image (BuildBaseImage's disk step).
using CcImage.Core.Diagnostics;
using CcImage.Core.Config;
using CcImage.Core.Disk;
using CcImage.Core.Tools;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class AssembleDisk : CcTask
{
    /// <summary>CcPartition items, in disk order; metadata as in docs/partitions.md.</summary>
    [Required]
    public ITaskItem[] Partitions { get; set; } = [];

    [Required]
    public string OutputPath { get; set; } = "";

    /// <summary>Seed of the derived disk and partition GUIDs (CcImageSeed).</summary>
    [Required]
    public string Seed { get; set; } = "";

    /// <summary>Folder for partition images in the making.</summary>
    [Required]
    public string WorkDirectory { get; set; } = "";

    /// <summary>The folder relative Content and Image paths are resolved against.</summary>
    [Required]
    public string ProjectDirectory { get; set; } = "";

    /// <summary>The disk's virtual size (empty: sized to fit).</summary>
    public string DiskSize { get; set; } = "";

    public int SectorSize { get; set; } = 512;

    public string ClusterSize { get; set; } = "65536";

    public string SourceDateEpoch { get; set; } = "0";

    protected override void ExecuteCore()
    {
        var specs = Partitions
            .Select(item => PartitionSpec.FromMetadata(item.ItemSpec, item.GetMetadata))
            .ToList();
        uint epoch = Core.Config.SourceDateEpoch.Parse(SourceDateEpoch);
        long clusterSize = SizeParser.Parse(ClusterSize, "CcClusterSize");
        var request = new DiskImageRequest(specs, OutputPath, Seed, WorkDirectory)
        {
            DiskSize = string.IsNullOrWhiteSpace(DiskSize) ? null : SizeParser.Parse(DiskSize, "CcDiskSize"),
            SectorSize = SectorSize,
            ClusterSize = clusterSize is > 0 and <= int.MaxValue ? (int)clusterSize : throw Core.Diagnostics.Diag.Error(nameof(Strings.InvalidSize), ClusterSize, "CcClusterSize"),
            SourceDateEpoch = epoch,
            BaseDirectory = ProjectDirectory,
        };
        DiskImageBuilder.Build(request, new ToolRunner(CoreLog), CoreLog, CancellationToken);
    }
}
