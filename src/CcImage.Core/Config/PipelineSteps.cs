// The steps of the image pipeline, in the order they run (docs/sdk.md lists them the same way); a setting names the
// steps whose output it changes, so each step's fingerprint holds exactly its own settings.
namespace CcImage.Core.Config;

[Flags]
public enum PipelineSteps
{
    None = 0,

    /// <summary>BuildBaseImage: root filesystem, partitions, disk, initramfs (stage 1).</summary>
    BuildBaseImage = 1 << 0,

    /// <summary>InstallNvflare (stage 2).</summary>
    InstallNvflare = 1 << 1,

    /// <summary>ResizeQcow2.</summary>
    ResizeQcow2 = 1 << 2,

    /// <summary>HardenImage (stage 3).</summary>
    HardenImage = 1 << 3,

    /// <summary>MeasureSnp: the launch measurement of the boot chain.</summary>
    MeasureSnp = 1 << 4,

    /// <summary>Every step that assembles a disk image from a root tree.</summary>
    Images = BuildBaseImage | InstallNvflare | HardenImage,

    All = BuildBaseImage | InstallNvflare | ResizeQcow2 | HardenImage | MeasureSnp,
}
