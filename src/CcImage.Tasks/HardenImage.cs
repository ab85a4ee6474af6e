// Task HardenImage: stage 3 of the pipeline (the site's requirements and the hardening on stage 2's tree,
// nvflare_cc_image_hardened.qcow2) through Core's ImageBuilder.
namespace CcImage.Tasks;

public sealed class HardenImage : PipelineTask
{
    protected override void ExecuteCore() =>
        Core.Pipeline.ImageBuilder.RunStep(Project, Core.Pipeline.HardenImageStep.Name, CoreLog, CancellationToken);
}
