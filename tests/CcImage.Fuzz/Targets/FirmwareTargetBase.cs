// What the OVMF targets run on a firmware image: parse its footer GUID table and SEV metadata, read the entries the
// measurement uses, and compute the SEV, SEV-ES and SEV-SNP launch digests (the SNP one only when the metadata covers
// at most 256 MiB, so a crafted section size costs seconds of hashing, not a fuzzing hang).
using CcImage.Core.Snp;

namespace CcImage.Fuzz.Targets;

internal abstract class FirmwareTargetBase : IFuzzTarget
{
    private const long MaxMeasuredBytes = 256L << 20;

    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract IReadOnlyList<(int Start, int Length)> Focus(byte[] seed);

    public void Run(byte[] input, string scratch)
    {
        string path = Path.Combine(scratch, "OVMF.fd");
        File.WriteAllBytes(path, input);
        var ovmf = OvmfImage.Load(path);
        _ = ovmf.IsSevHashesTableSupported;
        long measured = 0;
        foreach (var item in ovmf.MetadataItems)
        {
            _ = item.SectionType;
            measured += item.Size;
        }
        _ = LaunchDigestCalculator.Calculate(new MeasurementRequest { Mode = SevMode.SEV, OvmfPath = path });
        if (measured > MaxMeasuredBytes)
            return;
        _ = LaunchDigestCalculator.Calculate(new MeasurementRequest { Mode = SevMode.SEV_SNP, OvmfPath = path, Vcpus = 2, VcpuSig = 0x800F12 });
        _ = LaunchDigestCalculator.Calculate(new MeasurementRequest { Mode = SevMode.SEV_ES, OvmfPath = path, Vcpus = 1, VcpuSig = 0x800F12 });
    }
}
