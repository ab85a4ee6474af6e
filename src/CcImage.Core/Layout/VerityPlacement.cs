// Where a verity partition's hash tree lives: in a sibling partition named <name>-verity (the default, as the
// Discoverable Partitions Specification pairs root and root-verity) or appended inside the partition after the data.
namespace CcImage.Core.Layout;

public enum VerityPlacement
{
    None,
    Partition,
    Appended,
}
