// BuildBaseImage (stage 1): the layout's partitions built from the base root filesystem (mmdebstrap, cached by its
// manifest) and the project's folders, the GPT disk streamed into nvcc_image.qcow2, and — when the image has a root
// filesystem — the boot chain: vmlinuz, an initramfs with our init, and the kernel command line carrying every verity
// root hash. A project without a root partition (samples/minimal) gets the disk alone.
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Layout;

namespace CcImage.Core.Pipeline;

public static class BaseImageStep
{
    public const string Name = "BuildBaseImage";

    public static StageRecord Run(PipelineContext context)
    {
        var project = context.Project;
        project.Settings.Validate();
        var layout = PartitionLayout.Resolve(project);
        bool bootable = layout.Any(p => p.IsRoot);
        StageTree? tree = bootable ? RootFsStage.Ensure(context, layout) : null;
        var record = ImageAssembler.Assemble(context, Name, project.Settings["CcBaseImageName"], layout, tree);
        // The base tree's key, which the later stages' MSBuild inputs watch (they layer on this tree).
        if (tree != null)
            InstallNvflareStep.WriteTreeKey(context, Name, tree);
        return record;
    }
}
