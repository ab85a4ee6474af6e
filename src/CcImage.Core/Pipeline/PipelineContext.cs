// What every pipeline step works with: the project, the stage cache, the tool runner, the log and the cancellation
// token, plus the folders derived from the project.
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.Pipeline;

public sealed class PipelineContext
{
    public PipelineContext(ImageProject project, ILog log, CancellationToken cancellationToken)
    {
        Project = project;
        Log = log;
        CancellationToken = cancellationToken;
        Runner = new ToolRunner(log);
        Cache = new StageCache(project.CacheDirectory, log);
    }

    public ImageProject Project { get; }
    public ILog Log { get; }
    public CancellationToken CancellationToken { get; }
    public ToolRunner Runner { get; }
    public StageCache Cache { get; }

    /// <summary>Stage records and the boot command line, under the intermediate folder.</summary>
    public string StagesDirectory => Path.Combine(Project.IntermediateDirectory, "stages");

    /// <summary>Where each step lists the files it wrote; Clean deletes what they name.</summary>
    public string FileListDirectory => Project.FileListDirectory ?? Path.Combine(Project.IntermediateDirectory, "filelist");

    /// <summary>A work folder for <paramref name="step"/>, removed when the step ends.</summary>
    public string WorkDirectory(string step) => Path.Combine(Project.IntermediateDirectory, "work", step);

    public string OutputPath(string fileName) => Path.Combine(Project.OutputDirectory, fileName);
}
