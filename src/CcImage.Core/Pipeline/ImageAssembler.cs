// Turns a stage's root tree and layout into the stage's outputs, the same way for every stage: partition images from
// the cache (extracting the tree only when one must be built), the GPT disk as qcow2 (skipped when the disk's key is
// unchanged and the image is in place), for bootable images vmlinuz, initrd.img and the kernel command line, and the
// stage record.
using System.Globalization;
using CcImage.Core.Boot;
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Layout;

namespace CcImage.Core.Pipeline;

public static class ImageAssembler
{
    /// <summary>Bump when the disk bytes written for the same partitions change.</summary>
    public const int DiskFormatVersion = 1;

    public const string KernelFileName = "vmlinuz";
    public const string InitrdFileName = "initrd.img";

    /// <param name="cmdlineBeforeUser">Kernel arguments the stage adds before CcKernelCmdline (HardenImage's kernel hardening).</param>
    public static StageRecord Assemble(PipelineContext context, string step, string imageName,
        IReadOnlyList<LayoutPartition> layout, StageTree? tree, string? cmdlineBeforeUser = null)
    {
        var project = context.Project;
        var settings = project.Settings;
        var ct = context.CancellationToken;
        using var workspace = tree == null ? null
            : new TreeWorkspace(tree, layout, BootChainStage.Layout(project, layout), context.WorkDirectory(step), RootFsStage.Extract(context), ct)
            {
                Overlay = RootOverlayFolder(project),
            };

        var built = new PartitionImageBuilder(project, context.Cache, context.Runner, context.Log)
            .Build(layout, tree, workspace, ct);
        var specs = built.SelectMany(b => b.DiskSpecs).ToList();

        string image = context.OutputPath(imageName);
        var request = new DiskImageRequest(specs, image, project.Seed, context.WorkDirectory(step + "-disk"))
        {
            DiskSize = settings.OptionalSize("CcDiskSize"),
            SectorSize = int.Parse(settings.Choice("CcSectorSize"), CultureInfo.InvariantCulture),
            ClusterSize = ClusterSize(settings),
            SourceDateEpoch = project.SourceDateEpoch,
            BaseDirectory = project.ProjectDirectory,
        };
        string diskKey = DiskKey(request, built);
        string recordPath = StageRecord.PathFor(context.StagesDirectory, step);
        var previous = StageRecord.TryRead(recordPath);
        if (previous?.DiskKey == diskKey && previous.Image == image && File.Exists(image))
            context.Log.Info($"{Path.GetFileName(image)} is up to date.");
        else
        {
            context.Log.Info($"Writing {image}...");
            try
            {
                DiskImageBuilder.Build(request, context.Runner, context.Log, ct);
            }
            finally
            {
                StageCache.TryDeleteDirectory(request.WorkDirectory);
            }
        }

        var outputs = new List<string> { image };
        BootFiles? boot = null;
        if (tree != null)
        {
            boot = BootChainStage.Build(context, tree, workspace!, layout, built, cmdlineBeforeUser);
            string kernel = context.OutputPath(KernelFileName);
            string initrd = context.OutputPath(InitrdFileName);
            OutputFiles.CopyIfChanged(boot.Kernel, kernel);
            OutputFiles.CopyIfChanged(boot.Initrd, initrd);
            outputs.AddRange([kernel, initrd]);
        }

        var record = new StageRecord
        {
            Step = step,
            Image = image,
            DiskKey = diskKey,
            TreeKey = tree?.Key,
            Kernel = boot != null ? context.OutputPath(KernelFileName) : null,
            Initrd = boot != null ? context.OutputPath(InitrdFileName) : null,
            Cmdline = boot?.Cmdline,
            Partitions = built.Select(b => new StageRecord.RecordedPartition(b.Layout.Name, b.Layout.Label,
                PartitionProtectionNames.Format(b.Layout.Protection), b.Layout.MountPoint, b.RootHash)).ToList(),
            Outputs = outputs,
        };
        Directory.CreateDirectory(context.StagesDirectory);
        record.Write(recordPath);
        // The measured command line as plain text, for MSBuild's MeasureSnp Inputs (present only for a bootable image).
        string cmdlinePath = Path.ChangeExtension(recordPath, ".cmdline");
        if (boot != null)
            OutputFiles.WriteTextIfChanged(cmdlinePath, boot.Cmdline + "\n");
        else
            File.Delete(cmdlinePath);
        FileList.Write(context, step, outputs);
        return record;
    }

    /// <summary>CcRootOverlay as an absolute folder (CCIMG1302 when it is not one), or null.</summary>
    private static string? RootOverlayFolder(ImageProject project)
    {
        string? overlay = project.Settings.Path("CcRootOverlay", project.ProjectDirectory);
        if (overlay != null && !Directory.Exists(overlay))
            throw Diag.Error(nameof(Strings.RootOverlayNotFolder), overlay);
        return overlay;
    }

    private static int ClusterSize(ProjectSettings settings)
    {
        long size = settings.Size("CcClusterSize");
        Qcow2.Qcow2Writer.ValidateClusterSize(size is > 0 and <= int.MaxValue ? (int)size : 0);
        return (int)size;
    }

    /// <summary>Everything that shapes the disk's bytes: the planner's inputs and each partition image by its cache key.</summary>
    private static string DiskKey(DiskImageRequest request, IReadOnlyList<BuiltPartition> built)
    {
        var manifest = new CacheManifest("disk", DiskFormatVersion)
            .Add("seed", request.Seed)
            .Add("disk-size", request.DiskSize?.ToString(CultureInfo.InvariantCulture))
            .Add("sector-size", request.SectorSize.ToString(CultureInfo.InvariantCulture))
            .Add("cluster-size", request.ClusterSize.ToString(CultureInfo.InvariantCulture))
            .Add("epoch", request.SourceDateEpoch.ToString(CultureInfo.InvariantCulture));
        int i = 0;
        foreach (var b in built)
            foreach (var s in b.DiskSpecs)
                manifest.Add($"partition-{i++:D3}", string.Join('|', s.Name, s.Size, s.Type, s.Role, s.Label, s.Uuid,
                    s.Attributes, s.Filesystem, b.CacheKey ?? (s.Image is { } img ? "sha256:" + Hashing.FileHash.Sha256Hex(img) : "")));
        return manifest.Key;
    }
}
