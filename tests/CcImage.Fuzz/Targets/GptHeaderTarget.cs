// Fuzz target: the primary and backup GPT headers (LBA 1 and the last LBA; 512-byte and 4096-byte blocks).
namespace CcImage.Fuzz.Targets;

internal sealed class GptHeaderTarget : GptTargetBase
{
    public override string Name => "gpt-header";
    public override string Description => "GPT headers, primary and backup (GptReader, GptResize.Plan cross-check)";

    public override IReadOnlyList<(int Start, int Length)> Focus(byte[] seed) =>
        [(512, 92), (4096, 92), (Math.Max(0, seed.Length - 512), 92), (Math.Max(0, seed.Length - 4096), 92)];
}
