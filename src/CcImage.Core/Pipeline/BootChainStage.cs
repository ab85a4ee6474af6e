// TEMPORARY (integration pending): the boot chain.
using CcImage.Core.Layout;

namespace CcImage.Core.Pipeline;

public static class BootChainStage
{
    public static BootFiles Build(PipelineContext context, StageTree tree, TreeWorkspace workspace,
        IReadOnlyList<LayoutPartition> layout, IReadOnlyList<BuiltPartition> built) => throw new NotSupportedException("boot pending");
}
