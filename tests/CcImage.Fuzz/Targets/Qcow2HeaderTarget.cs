// Fuzz target: the qcow2 header and its extensions (the first cluster of the image).
namespace CcImage.Fuzz.Targets;

internal sealed class Qcow2HeaderTarget : Qcow2TargetBase
{
    public override string Name => "qcow2-header";
    public override string Description => "qcow2 header fields and header extensions (Qcow2Header.Parse, then open/read/resize)";

    public override IReadOnlyList<(int Start, int Length)> Focus(byte[] seed) =>
        [(0, Math.Min(seed.Length, 112)), (0, Math.Min(seed.Length, 1 << ClusterBits(seed)))];
}
