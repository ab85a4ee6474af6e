// The partition layout of the hardened image. A project without its own partitions gets the default layout with the
// site's data mounts added before the last (dynamic) partition, which keeps the image's growth: on client images
// "input" at /mnt/data/nvflare/input (read-only: data comes in, nothing goes out), on server images "output" at
// /mnt/data/nvflare/output, each a plain ext4 file system or, with CcInputProtection/CcOutputProtection=luks-keyfile,
// LUKS2 with a key file given at launch; config, data, input and output are mounted noexec (their content is never
// run). A project with its own partitions keeps them, but a client image may not mount the output folder nor a server
// image the input folder (CCIMG1264).
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Layout;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Hardening;

public static class HardenedLayout
{
    public const string InputMountPoint = "/mnt/data/nvflare/input";
    public const string OutputMountPoint = "/mnt/data/nvflare/output";
    public const string InputPartition = "input";
    public const string OutputPartition = "output";

    /// <summary>Mount options of partitions whose content is data, never programs.</summary>
    private const string NoExec = "noexec";

    public static IReadOnlyList<LayoutPartition> Resolve(ImageProject project)
    {
        var layout = PartitionLayout.Resolve(project, Defaults(project));
        string role = project.Settings.Choice("CcRole");
        foreach (var p in layout)
        {
            if ((role == "client" && p.MountPoint == OutputMountPoint) || (role == "server" && p.MountPoint == InputMountPoint))
                throw Diag.At(p.File, p.Line, nameof(Strings.DataMountWrongRole), p.Name, p.MountPoint, role);
        }
        return layout;
    }

    /// <summary>The default layout of the hardened image (used when the project declares no partitions).</summary>
    public static IReadOnlyList<PartitionSpec> Defaults(ImageProject project)
    {
        var s = project.Settings;
        var specs = PartitionLayout.Default(project)
            .Select(p => p.Name is "config" or "data" ? p with { MountOptions = NoExec } : p).ToList();
        var mounts = new List<PartitionSpec>
        {
            new(InputPartition)
            {
                MountPoint = InputMountPoint, Protection = s.Choice("CcInputProtection"), Roles = "client",
                Size = s["CcInputPartitionSize"], MountOptions = "ro," + NoExec,
            },
            new(OutputPartition)
            {
                MountPoint = OutputMountPoint, Protection = s.Choice("CcOutputProtection"), Roles = "server",
                Size = s["CcOutputPartitionSize"], MountOptions = NoExec,
            },
        };
        specs.InsertRange(specs.Count - 1, mounts);
        return specs;
    }
}
