// The partition layout each image step assembles: stage 1 and stage 2 the project's layout (PartitionLayout), stage 3
// the hardened one (HardenedLayout: the site's input or output mount added). The image tests read it from here.
using CcImage.Core.Hardening;
using CcImage.Core.Layout;

namespace CcImage.Core.Pipeline;

public static class StageLayouts
{
    public static IReadOnlyList<LayoutPartition> For(ImageProject project, string step) =>
        step == HardenImageStep.Name ? HardenedLayout.Resolve(project) : PartitionLayout.Resolve(project);
}
