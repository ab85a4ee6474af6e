// Fuzz target: the qcow2 L1 table and the L2 tables it points to (mapping, zero and compressed entries).
namespace CcImage.Fuzz.Targets;

internal sealed class Qcow2TablesTarget : Qcow2TargetBase
{
    public override string Name => "qcow2-tables";
    public override string Description => "qcow2 L1 and L2 tables (Qcow2Image mapping walk, reads, copy-on-write, resize)";

    public override IReadOnlyList<(int Start, int Length)> Focus(byte[] seed)
    {
        var ranges = new List<(int, int)>();
        int clusterSize = 1 << ClusterBits(seed);
        long l1 = U64(seed, 40);
        long l1Entries = Math.Min(U32(seed, 36), 1 << 16);
        AddRange(ranges, seed, l1, l1Entries * 8);
        for (long i = 0; i < l1Entries; i++)
            AddRange(ranges, seed, U64(seed, l1 + i * 8), clusterSize);
        return ranges;
    }
}
