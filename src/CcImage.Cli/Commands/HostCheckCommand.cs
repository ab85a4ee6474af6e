// `ccimage host-check`: is this machine ready to launch a confidential VM? The same checks launch_vm.sh runs first
// (SEV-SNP in firmware and kernel, /dev/sev, a QEMU with sev-snp-guest, the firmware, memory, and with --gpu the NVIDIA
// GPU bound to vfio-pci with the IOMMU on). One line per check on stdout; exit 0 when ready, 1 with CCIMG6080 when not.
using System.CommandLine;
using CcImage.Core.Diagnostics;
using CcImage.Core.Provisioning;
using CcImage.Core.Tools;

namespace CcImage.Cli.Commands;

internal static class HostCheckCommand
{
    public static Command Create()
    {
        var noSev = new Option<bool>("--no-sev") { Description = "Check only what a VM without SEV-SNP needs (KVM, QEMU, memory)." };
        var qemu = new Option<string>("--qemu") { Description = "The QEMU to check.", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("QEMU") ?? "qemu-system-x86_64" };
        var firmware = new Option<string?>("--firmware") { Description = "The firmware the VM boots (e.g. a bundle's OVMF.amdsev.fd)." };
        var firmwareSha = new Option<string?>("--firmware-sha256") { Description = "The SHA-256 the firmware must have (the measured one)." };
        var memory = new Option<string>("--memory") { Description = "Memory the VM gets, e.g. 8G.", DefaultValueFactory = _ => "8G" };
        var gpu = new Option<bool>("--gpu") { Description = "Also check NVIDIA GPU passthrough (the IOMMU, every NVIDIA GPU bound to vfio-pci)." };
        var gpuDevice = new Option<string[]>("--gpu-device") { Description = "Check this GPU (PCI address) instead of every NVIDIA GPU (repeatable).", AllowMultipleArgumentsPerToken = false };
        var root = new Option<string?>("--root") { Description = "A folder standing in for / when reading /proc, /sys and /dev (for tests)." };
        var command = new Command("host-check", "Check that this host can launch an AMD SEV-SNP confidential VM (and pass it a GPU).")
        {
            noSev, qemu, firmware, firmwareSha, memory, gpu, gpuDevice, root,
        };
        command.SetAction(CliErrors.Action((result, cancellationToken) =>
        {
            var devices = result.GetValue(gpuDevice) ?? [];
            var report = HostCheck.Run(new HostCheckOptions
            {
                Sev = !result.GetValue(noSev),
                Qemu = result.GetValue(qemu)!,
                Firmware = result.GetValue(firmware),
                FirmwareSha256 = result.GetValue(firmwareSha),
                Memory = result.GetValue(memory)!,
                Gpu = result.GetValue(gpu) || devices.Length > 0,
                GpuDevices = devices,
                Root = result.GetValue(root),
            }, new ToolRunner(NullLog.Instance), cancellationToken);
            foreach (string line in report.Lines)
                Console.Out.WriteLine(line);
            if (!report.Ready)
                throw Diag.Error(nameof(Strings.HostCheckFailed), Math.Max(report.Failed, 1));
            return 0;
        }));
        return command;
    }
}
