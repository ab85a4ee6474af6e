// Task ResizeStageImage: ResizeQcow2 in the chain — grows the stage-2 image to CcImageSize through Core's ImageBuilder
// (the ResizeQcow2 task grows an image named with CcResizeInput instead).
namespace CcImage.Tasks;

public sealed class ResizeStageImage : PipelineTask
{
    protected override void ExecuteCore() =>
        Core.Pipeline.ImageBuilder.RunStep(Project, Core.Pipeline.ResizeStep.Name, CoreLog, CancellationToken);
}
