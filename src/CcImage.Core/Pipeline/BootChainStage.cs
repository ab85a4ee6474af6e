// The boot chain of a bootable image: the boot layout the init follows (from the partition layout and the built
// partitions' verity placement), the initramfs as a cache entry keyed by the tree, the layout and the init, and the
// kernel command line with every verity root hash and CcKernelCmdline at the end.
using CcImage.Core.Boot;
using CcImage.Core.Caching;
using CcImage.Core.Layout;

namespace CcImage.Core.Pipeline;

public static class BootChainStage
{
    private const string InitrdFile = "initrd.img";

    /// <summary>Mount options of every partition but the root: no device files, no set-user-ID programs.</summary>
    public const string DefaultMountOptions = "nodev,nosuid";

    /// <summary>The init's view of the layout: the partitions it opens and mounts, and how much of each verity device it reads.</summary>
    public static BootLayout Layout(ImageProject project, IReadOnlyList<LayoutPartition> layout, IReadOnlyList<BuiltPartition>? built = null)
    {
        var offsets = built?.ToDictionary(b => b.Layout.Name, b => b.HashOffset) ?? [];
        var partitions = layout.Where(p => p.MountPoint != null).Select(p => new BootPartition(p.Name, p.Label, p.Protection, p.MountPoint!)
        {
            HashPartitionLabel = p.Protection == PartitionProtection.Verity && p.Verity == VerityPlacement.Partition ? p.Label + "-verity" : null,
            // The appended tree starts where the ext4 file system ends; the layout only needs a placeholder until it is built.
            HashOffset = p.Protection == PartitionProtection.Verity && p.Verity == VerityPlacement.Appended
                ? offsets.GetValueOrDefault(p.Name) ?? Verity.VerityParameters.OffsetAlignment : null,
            ReadOnly = !p.IsRoot && DeclaredOptions(p).Contains("ro"),
            MountOptions = p.IsRoot ? null : string.Join(',', DefaultMountOptions.Split(',')
                .Concat(DeclaredOptions(p).Where(o => o is not ("ro" or "rw"))).Distinct(StringComparer.Ordinal)),
        }).ToList();
        return new BootLayout(partitions)
        {
            VerityCheck = project.Settings.Choice("CcVerityCheck") == "on-read" ? VerityCheck.OnRead : VerityCheck.Full,
        }.Validate();
    }

    /// <summary>The partition's own MountOptions (CcPartition metadata), lower-case, in order.</summary>
    private static IEnumerable<string> DeclaredOptions(LayoutPartition p) =>
        (p.Spec.MountOptions ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(o => o.ToLowerInvariant());

    /// <param name="cmdlineBeforeUser">Kernel arguments a stage adds before CcKernelCmdline (e.g. HardenImage's kernel hardening).</param>
    public static BootFiles Build(PipelineContext context, StageTree tree, TreeWorkspace workspace,
        IReadOnlyList<LayoutPartition> layout, IReadOnlyList<BuiltPartition> built, string? cmdlineBeforeUser = null)
    {
        var project = context.Project;
        var boot = Layout(project, layout, built);
        string kernelVersion = tree.KernelVersion ?? throw new InvalidOperationException("The stage tree names no kernel.");
        var request = new InitramfsRequest("", kernelVersion, boot, "")
        {
            SourceDateEpoch = project.SourceDateEpoch,
            ExtraModules = PartitionLayout.SplitList(project.Settings["CcInitramfsModules"]).ToList(),
            RootTreeKey = workspace.ContentKey,
        };
        var manifest = new CacheManifest("initramfs", 1).Add("initramfs", InitramfsBuilder.Manifest(request).Json);
        var entry = context.Cache.GetOrCreate(manifest, dir =>
        {
            context.Log.Info("Building the initramfs...");
            InitramfsBuilder.Build(request with { RootTree = workspace.Root, Destination = Path.Combine(dir, InitrdFile) },
                context.Log, context.CancellationToken);
        }, context.CancellationToken);

        var rootHashes = built.Where(b => b.RootHash != null && b.Layout.MountPoint != null)
            .ToDictionary(b => b.Layout.Name, b => b.RootHash!, StringComparer.Ordinal);
        string? extra = string.Join(' ', new[] { cmdlineBeforeUser, project.Settings.Optional("CcKernelCmdline") }
            .Where(a => !string.IsNullOrWhiteSpace(a)));
        string cmdline = KernelCommandLine.Build(boot, rootHashes, extra.Length == 0 ? null : extra);
        return new BootFiles(tree.KernelImage!, entry.PathOf(InitrdFile), cmdline);
    }
}
