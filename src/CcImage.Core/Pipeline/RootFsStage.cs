// TEMPORARY (integration pending): the root filesystem stage.
namespace CcImage.Core.Pipeline;

public static class RootFsStage
{
    public static StageTree Ensure(PipelineContext context) => throw new NotSupportedException("rootfs pending");

    public static Action<string, string, CancellationToken> Extract(PipelineContext context) =>
        (tar, dir, ct) => throw new NotSupportedException("rootfs pending");
}
