// Fuzz target: a dm-verity hash device (superblock, then the tree), verified against 64 KiB of zero data blocks.
using CcImage.Core.Verity;

namespace CcImage.Fuzz.Targets;

internal sealed class VeritySuperblockTarget : IFuzzTarget
{
    /// <summary>The data device every seed was formatted over: this many zero bytes.</summary>
    public const int DataBytes = 64 << 10;

    public string Name => "verity-superblock";
    public string Description => "dm-verity superblock and hash tree (VeritySuperblock.Read, VerityVerifier)";

    public void Run(byte[] input, string scratch)
    {
        string data = Path.Combine(scratch, "data.img"), hash = Path.Combine(scratch, "hash.img");
        if (!File.Exists(data))
            File.WriteAllBytes(data, new byte[DataBytes]);
        File.WriteAllBytes(hash, input);
        var parameters = VerityVerifier.ReadSuperblock(hash, 0);
        var root = new byte[parameters.Algorithm.DigestSize];
        _ = VerityVerifier.Verify(data, hash, parameters, root, workers: 1);
    }

    public IReadOnlyList<(int Start, int Length)> Focus(byte[] seed) => [(0, Math.Min(seed.Length, 512))];
}
