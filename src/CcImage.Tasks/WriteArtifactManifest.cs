// Task WriteArtifactManifest: manifest.json (name, size, SHA-256 of every artifact the steps wrote) through Core.
namespace CcImage.Tasks;

public sealed class WriteArtifactManifest : PipelineTask
{
    protected override void ExecuteCore() =>
        Core.Pipeline.ImageBuilder.RunStep(Project, Core.Pipeline.ImageBuilder.ManifestStep, CoreLog, CancellationToken);
}
