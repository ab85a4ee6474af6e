// A stage that fails leaves nothing at its final output path: its image from an earlier build and its stage record
// are removed (the record's absence makes the next build run the stage again), so a failed build can never be
// mistaken for a finished one. Cancellation is treated the same way.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Pipeline;

public static class StageOutputs
{
    public static StageRecord RemovedOnFailure(PipelineContext context, string step, string imageName, Func<StageRecord> run)
    {
        try
        {
            return run();
        }
        catch (Exception e) when (e is CcImageException or OperationCanceledException)
        {
            string record = StageRecord.PathFor(context.StagesDirectory, step);
            foreach (string path in new[] { context.OutputPath(imageName), record, Path.ChangeExtension(record, ".cmdline") })
                if (File.Exists(path))
                {
                    File.Delete(path);
                    context.Log.Detail($"{step} failed: removed {path}");
                }
            throw;
        }
    }
}
