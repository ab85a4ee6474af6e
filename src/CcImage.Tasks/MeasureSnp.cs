// Task MeasureSnp: the SEV-SNP launch measurement of the image that boots (or of CcKernel/CcInitrd), written to
// expected-measurement.json through Core's ImageBuilder.
namespace CcImage.Tasks;

public sealed class MeasureSnp : PipelineTask
{
    protected override void ExecuteCore() =>
        Core.Pipeline.ImageBuilder.RunStep(Project, Core.Pipeline.MeasureStep.Name, CoreLog, CancellationToken);
}
