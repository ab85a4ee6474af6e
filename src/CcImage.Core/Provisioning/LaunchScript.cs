// Writes launch_vm.sh for one VM: the template (Assets/launch_vm.sh) with the VM's values baked in as shell variables
// and the host check (Assets/host-check.sh) included, so the script needs nothing but itself, QEMU and the bundle's
// files. docs/launch-vm.md describes the options; the tests run shellcheck on the result.
using System.Globalization;
using System.Text;

namespace CcImage.Core.Provisioning;

public static class LaunchScript
{
    public const string FileName = "launch_vm.sh";

    private const string SettingsMarker = "# @SETTINGS@";
    private const string HostCheckMarker = "# @HOST-CHECK@";
    private const string HostCheckStart = "HC_ROOT=";
    private const string HostCheckEnd = "# @HOST-CHECK-END@";

    /// <summary>The script's text for <paramref name="options"/>.</summary>
    public static string Render(LaunchOptions options)
    {
        string template = ProvisioningAssets.ReadText(FileName);
        var settings = new StringBuilder();
        settings.Append("# This VM as it was built and measured. The measurement covers the kernel, initrd, command line, firmware\n");
        settings.Append("# and number of vCPUs: change any of them and attestation fails.\n");
        Variable(settings, "SITE", options.SiteName);
        Variable(settings, "VM_ID", options.VmId);
        Variable(settings, "VCPUS", options.Vcpus.ToString(CultureInfo.InvariantCulture));
        Variable(settings, "VCPU_TYPE", options.VcpuType);
        Variable(settings, "KERNEL", options.Kernel);
        Variable(settings, "INITRD", options.Initrd);
        Variable(settings, "FIRMWARE", options.Firmware);
        Variable(settings, "FIRMWARE_SHA256", options.FirmwareSha256);
        Variable(settings, "CMDLINE", options.Cmdline);
        Variable(settings, "DISK", options.Disk);
        Variable(settings, "SNP_POLICY", options.SnpPolicy);
        Variable(settings, "DEFAULT_MEMORY", options.DefaultMemory);
        Variable(settings, "PORTS_IN", string.Join(' ', options.InboundPorts));
        Variable(settings, "GPU_MECHANISM", options.GpuMechanism);
        Variable(settings, "KEYFILE_PARTITIONS", string.Join(' ', options.KeyfilePartitions));
        return template
            .Replace(SettingsMarker, settings.ToString().TrimEnd('\n'), StringComparison.Ordinal)
            .Replace(HostCheckMarker, HostCheckFunctions(), StringComparison.Ordinal);
    }

    /// <summary>The functions of the host check (host-check.sh without its own command-line part).</summary>
    public static string HostCheckFunctions()
    {
        string text = ProvisioningAssets.ReadText("host-check.sh");
        int start = text.IndexOf(HostCheckStart, StringComparison.Ordinal);
        int end = text.IndexOf(HostCheckEnd, StringComparison.Ordinal);
        return "# The host readiness check (the same as `ccimage host-check`).\n" + text[start..end].TrimEnd('\n');
    }

    /// <summary>A value in single quotes for sh (a quote inside becomes '\'').</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static void Variable(StringBuilder text, string name, string value) =>
        text.Append(name).Append('=').Append(Quote(value)).Append('\n');
}
