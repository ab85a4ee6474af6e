// What `ccimage host-check` checks: SEV-SNP or not, which QEMU, the firmware (and its measured SHA-256), how much
// memory the VM gets, GPU passthrough (and which GPUs), and for tests a folder standing in for /proc, /sys and /dev.
namespace CcImage.Core.Provisioning;

public sealed record HostCheckOptions
{
    public bool Sev { get; init; } = true;
    public string Qemu { get; init; } = "qemu-system-x86_64";
    public string? Firmware { get; init; }
    public string? FirmwareSha256 { get; init; }
    public string Memory { get; init; } = "8G";
    public bool Gpu { get; init; }
    public IReadOnlyList<string> GpuDevices { get; init; } = [];
    public string? Root { get; init; }
}
