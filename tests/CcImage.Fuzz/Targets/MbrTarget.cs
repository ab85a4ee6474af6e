// Fuzz target: the protective or hybrid MBR in LBA 0.
namespace CcImage.Fuzz.Targets;

internal sealed class MbrTarget : GptTargetBase
{
    public override string Name => "mbr";
    public override string Description => "protective and hybrid MBR in LBA 0 (ProtectiveMbr.PlanGrowth)";

    public override IReadOnlyList<(int Start, int Length)> Focus(byte[] seed) => [(446, 66)];
}
