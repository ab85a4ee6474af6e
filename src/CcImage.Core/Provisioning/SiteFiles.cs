// The per-site files a provisioned image gets in its root file system (through CcRootOverlay, so the shared root
// file system stage is not rebuilt per site): /etc/hosts with the cc_config's hosts_entries, the site's attestation
// configuration (cc_issuers, cc_attestation, class_allow_list, the CPU and GPU mechanisms, the vm_id), the workload's
// settings, unit and start script, podman's configuration, and masks for podman's API units.
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CcImage.Core.Boot;

namespace CcImage.Core.Provisioning;

public static class SiteFiles
{
    public const string WorkloadMountPoint = "/opt/ccimage/workload";
    public const string VaultMountPoint = "/vault";
    public const string UserConfigMountPoint = "/user_config";
    public const string ApplogMountPoint = "/applog";
    public const string UserDataMountPoint = "/user_data";

    /// <summary>NVFlare's entrypoint in the workload (its example Dockerfile's ENTRYPOINT).</summary>
    public const string WorkloadEntrypoint = "/user_config/nvflare/startup/sub_start.sh";

    /// <summary>The arguments the entrypoint gets: verify the signed startup kit before starting.</summary>
    public const string WorkloadArguments = "--verify";

    public const string AttestationFile = "etc/ccimage/attestation.json";
    public const string SiteFile = "etc/ccimage/site.json";
    public const string WorkloadEnvFile = "etc/ccimage/workload.env";
    public const string WorkloadUnit = "ccimage-workload.service";

    /// <summary>podman's units that would open a way into the VM or start containers of their own; masked.</summary>
    public static readonly IReadOnlyList<string> MaskedUnits =
    [
        "podman.socket", "podman.service", "podman-restart.service", "podman-auto-update.service", "podman-auto-update.timer",
        "podman-kube@.service",
    ];

    /// <summary>Writes the overlay of <paramref name="site"/> into the empty folder <paramref name="overlay"/>.</summary>
    public static void Write(string overlay, CvmSiteFacts site)
    {
        Text(overlay, "etc/hosts", Hosts(site.Config.HostsEntries));
        Text(overlay, AttestationFile, Json(Attestation(site)));
        Text(overlay, SiteFile, Json(new JsonObject
        {
            ["site"] = site.SiteName,
            ["role"] = site.Role,
            ["vm_id"] = site.VmId,
            ["compute_env"] = site.Config.ComputeEnv,
            ["allowed_ports"] = new JsonArray(site.Config.AllowedPorts.Select(p => (JsonNode)p).ToArray()),
            ["allowed_out_ports"] = new JsonArray(site.Config.AllowedOutPorts.Select(p => (JsonNode)p).ToArray()),
        }));
        Text(overlay, WorkloadEnvFile, WorkloadEnv(site));
        Asset(overlay, "usr/lib/ccimage/workload-start", "workload-start.sh", BootAssets.ExecutableMode);
        Asset(overlay, "usr/lib/systemd/system/" + WorkloadUnit, WorkloadUnit, BootAssets.FileMode);
        Asset(overlay, "etc/containers/storage.conf", "storage.conf", BootAssets.FileMode);
        Asset(overlay, "etc/containers/containers.conf", "containers.conf", BootAssets.FileMode);
        Directory.CreateDirectory(Path.Combine(overlay, "usr/lib/ccimage/host-bin"));
        Link(overlay, "etc/systemd/system/multi-user.target.wants/" + WorkloadUnit, "/usr/lib/systemd/system/" + WorkloadUnit);
        foreach (string unit in MaskedUnits)
            Link(overlay, "etc/systemd/system/" + unit, "/dev/null");
        SetFolderModes(overlay);
    }

    /// <summary>/etc/hosts: the loopback names, then each hosts_entries line.</summary>
    public static string Hosts(IEnumerable<HostsEntry> entries)
    {
        var text = new StringBuilder();
        text.Append("# /etc/hosts of a CcImage VM: loopback names and the cc_config's hosts_entries.\n");
        text.Append("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n");
        foreach (var entry in entries)
            text.Append(entry.Address).Append('\t').Append(entry.Name).Append('\n');
        return text.ToString();
    }

    /// <summary>The site's attestation configuration: what NVFlare's CC manager and authorizers are configured with.</summary>
    public static JsonObject Attestation(CvmSiteFacts site) => new()
    {
        ["site"] = site.SiteName,
        ["vm_id"] = site.VmId,
        ["cc_cpu_mechanism"] = site.Config.CpuMechanism,
        ["cc_gpu_mechanism"] = site.Config.GpuMechanism,
        ["cc_issuers"] = new JsonArray(site.Config.Issuers.Select(i => (JsonNode)new JsonObject
        {
            ["id"] = i.Id,
            ["path"] = i.Path,
            ["token_expiration"] = i.TokenExpiration,
            ["args"] = i.Args.DeepClone(),
        }).ToArray()),
        ["cc_attestation"] = new JsonObject { ["check_frequency"] = site.Config.CheckFrequency },
        ["class_allow_list"] = new JsonArray(site.Config.ClassAllowList.Select(c => (JsonNode)c).ToArray()),
    };

    private static string WorkloadEnv(CvmSiteFacts site) =>
        "# The workload of this VM, written by the build (docs/nvflare-provisioning.md); read by /usr/lib/ccimage/workload-start.\n"
        + $"CCIMAGE_WORKLOAD_ARCHIVE={WorkloadMountPoint}/{site.ArchiveFileName}\n"
        + $"CCIMAGE_WORKLOAD_IMAGE={site.Archive.ImageId}\n"
        + $"CCIMAGE_WORKLOAD_ENTRYPOINT={WorkloadEntrypoint}\n"
        + $"CCIMAGE_WORKLOAD_ARGS={WorkloadArguments}\n"
        + $"CCIMAGE_VAULT={VaultMountPoint}\n";

    private static string Json(JsonNode node) =>
        node.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    private static void Text(string overlay, string path, string text)
    {
        string target = Place(overlay, path);
        File.WriteAllText(target, text);
        SetMode(target, BootAssets.FileMode);
    }

    private static void Asset(string overlay, string path, string asset, UnixFileMode mode)
    {
        string target = Place(overlay, path);
        File.WriteAllBytes(target, ProvisioningAssets.Read(asset));
        SetMode(target, mode);
    }

    private static void Link(string overlay, string path, string target) =>
        File.CreateSymbolicLink(Place(overlay, path), target);

    private static string Place(string overlay, string path)
    {
        string target = Path.Combine(overlay, path);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        return target;
    }

    /// <summary>Every folder 0755, whatever the umask, so the overlay's bytes do not depend on the build machine.</summary>
    private static void SetFolderModes(string overlay)
    {
        foreach (string dir in Directory.EnumerateDirectories(overlay, "*", SearchOption.AllDirectories))
            SetMode(dir, BootAssets.ExecutableMode);
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }
}
