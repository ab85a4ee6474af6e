// The one entry point of the image pipeline, shared by the MSBuild tasks (one step per target) and `ccimage build`
// (every step in order), as dotnet/sdk's container targets and `containerize` share one builder. The order of the
// steps lives here and in docs/sdk.md: BuildBaseImage → (InstallNvflare → ResizeQcow2 → HardenImage, when
// CcNvflareVersion is set) → MeasureSnp → manifest.json. Each step finds what earlier steps left in their stage records;
// each NVFlare stage layers on the previous stage's cached tree, never on its image.
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;
using CcImage.Core.Inspection;

namespace CcImage.Core.Pipeline;

public static class ImageBuilder
{
    /// <summary>The manifest step's name (it has no target of its own; Build writes manifest.json last).</summary>
    public const string ManifestStep = "WriteManifest";

    /// <summary>Runs one step by its target name.</summary>
    public static void RunStep(ImageProject project, string step, ILog log, CancellationToken cancellationToken)
    {
        var context = new PipelineContext(project, log, cancellationToken);
        switch (step)
        {
            case BaseImageStep.Name:
                BaseImageStep.Run(context);
                break;
            case InstallNvflareStep.Name:
                InstallNvflareStep.Run(context);
                break;
            case ResizeStep.Name:
                ResizeStep.Run(context);
                break;
            case HardenImageStep.Name:
                HardenImageStep.Run(context);
                break;
            case MeasureStep.Name:
                MeasureStep.Run(context);
                break;
            case ManifestStep:
                WriteManifest(context);
                break;
            default:
                throw new ArgumentException($"No pipeline step named '{step}'.", nameof(step));
        }
        TrimCache(context);
    }

    /// <summary>Runs the image tests (Inspection/ImageChecks) on the image <paramref name="stageStep"/> wrote.</summary>
    public static void TestImage(ImageProject project, string stageStep, ILog log, CancellationToken cancellationToken)
    {
        var context = new PipelineContext(project, log, cancellationToken);
        var record = StageRecord.TryRead(StageRecord.PathFor(context.StagesDirectory, stageStep))
            ?? throw new InvalidOperationException($"{stageStep} has not run: no stage record.");
        TestImage(context, record);
    }

    private static void TestImage(PipelineContext context, StageRecord record)
    {
        if (context.Project.Settings.Boolean("CcSkipImageTests"))
            return;
        IReadOnlyList<string> passed;
        try
        {
            passed = ImageChecks.Run(record, context.Project, context.Runner, context.WorkDirectory(record.Step + "-tests"),
                context.CancellationToken);
        }
        catch (CcImageException)
        {
            // A failed image is not an output: it moves aside for inspection, and the next build makes it again.
            string failed = Path.Combine(context.Project.IntermediateDirectory, "failed", Path.GetFileName(record.Image));
            Directory.CreateDirectory(Path.GetDirectoryName(failed)!);
            File.Move(record.Image, failed, overwrite: true);
            File.Delete(StageRecord.PathFor(context.StagesDirectory, record.Step));
            context.Log.Info($"The image that failed its tests is kept at {failed}.");
            throw;
        }
        context.Log.Info($"Image tests of {Path.GetFileName(record.Image)}: {passed.Count} passed ({string.Join("; ", passed)}).");
    }

    /// <summary>Runs the whole chain, as `dotnet build` does; returns the stage record of the image that boots.</summary>
    public static StageRecord Build(ImageProject project, ILog log, CancellationToken cancellationToken)
    {
        var context = new PipelineContext(project, log, cancellationToken);
        var record = BaseImageStep.Run(context);
        TestImage(context, record);
        if (InstallNvflareStep.AppliesTo(project))
        {
            record = InstallNvflareStep.Run(context);
            TestImage(context, record);
            ResizeStep.Run(context);
            record = HardenImageStep.Run(context);
            TestImage(context, record);
        }
        if (record.Kernel != null || project.Settings.Optional("CcKernel") != null)
            MeasureStep.Run(context, record);
        WriteManifest(context);
        TrimCache(context);
        return record;
    }

    /// <summary>obj/&lt;cfg&gt;/artifact-digests.txt: the output files' hashes from the last manifest (FileDigestCache).</summary>
    private const string DigestCacheFile = "artifact-digests.txt";

    private static void WriteManifest(PipelineContext context)
    {
        var digests = FileDigestCache.Open(Path.Combine(context.Project.IntermediateDirectory, DigestCacheFile));
        ArtifactManifest.Write(context.Project.OutputDirectory, FileList.ReadAll(context.FileListDirectory)
            .Where(f => Path.GetDirectoryName(f) is { } d && Path.GetFullPath(d + "/") == Path.GetFullPath(context.Project.OutputDirectory)),
            digests);
        digests.Save();
    }

    private static void TrimCache(PipelineContext context) =>
        context.Cache.Trim(context.Project.Settings.Size("CcCacheMaxSize"));
}
