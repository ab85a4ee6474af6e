// The values of `ccimage measure`'s options as given on the command line (null when absent), before validation.
using System.Numerics;

namespace CcImage.Cli.Commands;

internal sealed class MeasureOptions
{
    public bool Help { get; set; }
    public bool Version { get; set; }
    public bool Verbose { get; set; }
    public bool DumpVmsa { get; set; }
    public string? Mode { get; set; }
    public BigInteger? Vcpus { get; set; }
    public string? VcpuType { get; set; }
    public BigInteger? VcpuSig { get; set; }
    public BigInteger? VcpuFamily { get; set; }
    public BigInteger? VcpuModel { get; set; }
    public BigInteger? VcpuStepping { get; set; }
    public string VmmType { get; set; } = "QEMU";
    public string? Ovmf { get; set; }
    public string? Kernel { get; set; }
    public string? Initrd { get; set; }
    public string? Append { get; set; }
    public BigInteger GuestFeatures { get; set; } = BigInteger.One;
    public string OutputFormat { get; set; } = "hex";
    public string? SnpOvmfHash { get; set; }
    public string? Svsm { get; set; }
    public BigInteger? VarsSize { get; set; }
    public string? VarsFile { get; set; }
}
