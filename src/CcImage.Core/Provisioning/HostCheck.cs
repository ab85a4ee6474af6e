// `ccimage host-check`: runs the host readiness check that launch_vm.sh carries (Assets/host-check.sh, one
// implementation for both) and returns its report, one line per check, with whether every check passed.
using CcImage.Core.Caching;
using CcImage.Core.Tools;

namespace CcImage.Core.Provisioning;

public static class HostCheck
{
    public sealed record Report(bool Ready, int Failed, IReadOnlyList<string> Lines);

    public static Report Run(HostCheckOptions options, ToolRunner runner, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(Path.GetTempPath(), "ccimage-host-check" + AtomicFile.TempMarker + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            string script = Path.Combine(folder, "host-check.sh");
            File.WriteAllBytes(script, ProvisioningAssets.Read("host-check.sh"));
            var args = new List<string> { script, "--qemu", options.Qemu, "--memory", options.Memory };
            if (!options.Sev)
                args.Add("--no-sev");
            if (options.Firmware is { } firmware)
                args.AddRange(["--firmware", Path.GetFullPath(firmware)]);
            if (options.FirmwareSha256 is { } sha)
                args.AddRange(["--firmware-sha256", sha]);
            if (options.Gpu)
                args.Add("--gpu");
            foreach (string device in options.GpuDevices)
                args.AddRange(["--gpu-device", device]);
            if (options.Root is { } root)
                args.AddRange(["--root", Path.GetFullPath(root)]);
            var result = runner.Run(HostTool.Sh, args, allowFailure: true, cancellationToken: cancellationToken,
                environment: new Dictionary<string, string?> { ["CCIMAGE_HOST_CHECK_MAIN"] = "1" });
            var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
            int failed = lines.Count(l => l.Contains(": FAIL: ", StringComparison.Ordinal));
            return new Report(result.ExitCode == 0 && failed == 0, failed, lines);
        }
        finally
        {
            StageCache.TryDeleteDirectory(folder);
        }
    }
}
