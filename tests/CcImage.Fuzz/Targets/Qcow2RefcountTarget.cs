// Fuzz target: the qcow2 refcount table and refcount blocks (the strict refcount check before writing, allocation).
namespace CcImage.Fuzz.Targets;

internal sealed class Qcow2RefcountTarget : Qcow2TargetBase
{
    public override string Name => "qcow2-refcounts";
    public override string Description => "qcow2 refcount table and blocks (refcount and OFLAG_COPIED checks, allocator, resize)";

    public override IReadOnlyList<(int Start, int Length)> Focus(byte[] seed)
    {
        var ranges = new List<(int, int)>();
        int clusterSize = 1 << ClusterBits(seed);
        long table = U64(seed, 48);
        long clusters = Math.Min(U32(seed, 56), 64);
        AddRange(ranges, seed, table, clusters * clusterSize);
        for (long i = 0; i < clusters * clusterSize / 8 && i < 4096; i++)
            AddRange(ranges, seed, U64(seed, table + i * 8), clusterSize);
        return ranges;
    }
}
