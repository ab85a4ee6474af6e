// Fuzz target: the GPT partition entry arrays (primary after LBA 1, backup before the last LBA).
namespace CcImage.Fuzz.Targets;

internal sealed class GptEntriesTarget : GptTargetBase
{
    private const int ArrayBytes = 128 * 128;

    public override string Name => "gpt-entries";
    public override string Description => "GPT partition entry arrays (entries, names, LBAs; growth of the last partition)";

    public override IReadOnlyList<(int Start, int Length)> Focus(byte[] seed) =>
        [(1024, ArrayBytes), (Math.Max(0, seed.Length - 512 - ArrayBytes), ArrayBytes)];
}
