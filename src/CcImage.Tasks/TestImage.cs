// Task TestImage: the image tests (partitions, verity, file systems, root filesystem facts) on the image a step wrote,
// read from the image itself, through Core's ImageBuilder.
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class TestImage : PipelineTask
{
    /// <summary>The step whose image is tested (e.g. BuildBaseImage).</summary>
    [Required]
    public string Step { get; set; } = "";

    protected override void ExecuteCore() =>
        Core.Pipeline.ImageBuilder.TestImage(Project, Step, CoreLog, CancellationToken);
}
