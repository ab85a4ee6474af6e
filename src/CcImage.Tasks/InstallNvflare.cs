// Task InstallNvflare: stage 2 of the pipeline (NVFlare in a virtual environment on the base tree, nvflare_cc_image.qcow2)
// through Core's ImageBuilder.
namespace CcImage.Tasks;

public sealed class InstallNvflare : PipelineTask
{
    protected override void ExecuteCore() =>
        Core.Pipeline.ImageBuilder.RunStep(Project, Core.Pipeline.InstallNvflareStep.Name, CoreLog, CancellationToken);
}
