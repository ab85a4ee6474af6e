// Task BuildBaseImage: stage 1 of the pipeline (root filesystem, partitions, disk, boot chain) through Core's ImageBuilder.
namespace CcImage.Tasks;

public sealed class BuildBaseImage : PipelineTask
{
    protected override void ExecuteCore() =>
        Core.Pipeline.ImageBuilder.RunStep(Project, Core.Pipeline.BaseImageStep.Name, CoreLog, CancellationToken);
}
