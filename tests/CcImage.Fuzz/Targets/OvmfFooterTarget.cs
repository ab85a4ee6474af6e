// Fuzz target: the OVMF footer GUID table at the end of the firmware.
namespace CcImage.Fuzz.Targets;

internal sealed class OvmfFooterTarget : FirmwareTargetBase
{
    public override string Name => "ovmf-footer";
    public override string Description => "OVMF footer GUID table (OvmfFooterTable.Parse, reset block, hashes table entry)";

    public override IReadOnlyList<(int Start, int Length)> Focus(byte[] seed) => [(Math.Max(0, seed.Length - 512), Math.Min(512, seed.Length))];
}
