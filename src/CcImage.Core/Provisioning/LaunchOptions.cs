// Everything launch_vm.sh bakes in: the files of the bundle, the measured command line and vCPUs, the SEV-SNP policy,
// the default memory, the inbound ports to forward, whether a GPU is passed through and which partitions need a key.
namespace CcImage.Core.Provisioning;

public sealed record LaunchOptions
{
    public required string SiteName { get; init; }
    public required string VmId { get; init; }
    public required int Vcpus { get; init; }
    public required string VcpuType { get; init; }
    public required string Kernel { get; init; }
    public required string Initrd { get; init; }
    public required string Firmware { get; init; }
    public string FirmwareSha256 { get; init; } = "";
    public required string Cmdline { get; init; }
    public required string Disk { get; init; }
    public string SnpPolicy { get; init; } = "0x30000";
    public string DefaultMemory { get; init; } = "8G";
    public IReadOnlyList<string> InboundPorts { get; init; } = [];
    public string GpuMechanism { get; init; } = "none";
    public IReadOnlyList<string> KeyfilePartitions { get; init; } = [];
}
