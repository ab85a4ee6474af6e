// Task: grows a qcow2 image's virtual size in place (never shrinks), optionally moving its backup GPT to the new end.
using CcImage.Core.Disk;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class ResizeQcow2 : CcTask
{
    /// <summary>The qcow2 image to grow.</summary>
    [Required]
    public string Image { get; set; } = "";

    /// <summary>The new virtual size (<c>20G</c>, bytes) or growth (<c>+5G</c>).</summary>
    [Required]
    public string Size { get; set; } = "";

    /// <summary>Also move the backup GPT to the new end and extend the last partition.</summary>
    public bool GrowGpt { get; set; } = true;

    /// <summary>Whether the image was changed.</summary>
    [Output]
    public bool Resized { get; set; }

    protected override void ExecuteCore() =>
        Resized = ImageResizer.GrowQcow2(Image, Size, GrowGpt, CoreLog, "CcImageSize", CancellationToken);
}
