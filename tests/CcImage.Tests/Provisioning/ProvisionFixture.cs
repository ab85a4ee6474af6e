// Inputs for the provisioning tests, made in the test run: a workload image archive as `docker save | gzip` writes it
// (one layer with the host's static busybox as /bin/sh, so the container can really run a startup kit's script), NVFlare
// style startup kits whose sub_start.sh prints a marker, cc_config files in NVFlare's examples' shape, and the settings
// every test build uses (a stage cache under artifacts/test-cache/provision shared by all provisioning tests, so the
// root file system is built once; verity read on demand and 2 vCPUs for emulated boots; a fixed SOURCE_DATE_EPOCH).
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using CcImage.Core.Oci;

namespace CcImage.Tests.Provisioning;

internal static class ProvisionFixture
{
    public const long Epoch = 1700000000;

    /// <summary>What the fixture startup kit's sub_start.sh prints first (the workload really ran).</summary>
    public const string WorkloadMarker = "ccimage-test: workload started";

    private static readonly Lazy<string> FolderLazy = new(() => TestPaths.NewTempDir("provision"));
    private static readonly Lazy<(string Path, string ImageId)> ArchiveLazy = new(BuildArchive, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>A per-run scratch folder for provisioning inputs.</summary>
    public static string Folder => FolderLazy.Value;

    /// <summary>The stage cache every provisioning test build uses.</summary>
    public static string CacheDirectory { get; } = Path.Combine(TestPaths.RepoRoot, "artifacts", "test-cache", "provision");

    /// <summary>The gzip-compressed docker-save archive of the fixture workload.</summary>
    public static string WorkloadArchive => ArchiveLazy.Value.Path;

    /// <summary>The workload image's ID: the SHA-256 of its config.</summary>
    public static string WorkloadImageId => ArchiveLazy.Value.ImageId;

    /// <summary>The settings of test builds, as CCIMAGE_CVM_PROPERTIES takes them.</summary>
    public static string Properties =>
        $"CcCacheDirectory={CacheDirectory};CcVerityCheck=on-read;CcVcpus=2;CcSourceDateEpoch={Epoch};CcLaunchMemory=1536M";

    /// <summary>A cc_config in the shape of NVFlare's examples/advanced/cc_provision files, with small drives.</summary>
    public static string CcConfig(string role, string? archive = null, string extra = "") => $"""
        compute_env: onprem_cvm
        cc_cpu_mechanism: amd_sev_snp
        role: {role}

        # All drive sizes are in GB
        root_drive_size: 2
        applog_drive_size: 0.0625
        user_config_drive_size: 0.0625
        user_data_drive_size: 0.0625
        docker_archive: {archive ?? WorkloadArchive}

        {(role == "server" ? "allowed_ports: [8002]\nallowed_out_ports: [443, 8999]" : "hosts_entries:\n  server1: 10.0.2.2\nallowed_out_ports: [443, 8002, 8999]")}

        cc_issuers:
          - id: snp_authorizer
            path: nvflare.app_opt.confidential_computing.snp_authorizer.SNPAuthorizer
            token_expiration: 100 # seconds, needs to be less than check_frequency
            args:
              snpguest_binary: "/host/bin/snpguest"
        cc_attestation:
          check_frequency: 120 # seconds
        {extra}
        """;

    /// <summary>Writes a file and returns its path.</summary>
    public static string Write(string folder, string name, string text)
    {
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>An NVFlare-style startup kit for <paramref name="site"/> under <paramref name="parent"/>: startup/sub_start.sh
    /// (prints the marker and its arguments, records that it ran in the encrypted workspace, then waits), local/, signature.</summary>
    public static string StartupKit(string parent, string site)
    {
        string kit = Path.Combine(parent, site);
        string startup = Path.Combine(kit, "startup");
        Directory.CreateDirectory(startup);
        Directory.CreateDirectory(Path.Combine(kit, "local"));
        string script = Path.Combine(startup, "sub_start.sh");
        File.WriteAllText(script, $"#!/bin/sh\necho \"{WorkloadMarker} for {site} $*\"\nmkdir -p /vault/workspace/{site} && echo started > /vault/workspace/{site}/started\nexec sleep 3600\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
        File.WriteAllText(Path.Combine(startup, "fed_client.json"), $"{{\"site\": \"{site}\"}}\n");
        File.WriteAllText(Path.Combine(kit, "local", "resources.json.default"), "{}\n");
        return kit;
    }

    private static (string, string) BuildArchive()
    {
        string dir = Path.Combine(Folder, "workload");
        string root = Path.Combine(dir, "rootfs");
        string bin = Path.Combine(root, "bin");
        Directory.CreateDirectory(bin);
        // busybox-static (eng/install-host-tools.sh): a static binary needs nothing else in the image.
        File.Copy("/bin/busybox", Path.Combine(bin, "busybox"));
        foreach (string applet in new[] { "sh", "echo", "mkdir", "sleep", "cat" })
            File.CreateSymbolicLink(Path.Combine(bin, applet), "busybox");
        var layer = DirectoryLayer.Write(root, "/", Path.Combine(dir, "layer.tar"), Epoch, 0, 0, privateFiles: false, CancellationToken.None);
        var config = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["config"] = new JsonObject { ["Env"] = new JsonArray("PATH=/bin"), ["Cmd"] = new JsonArray("/bin/sh") },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layer.Digest) },
        };
        byte[] configBytes = Encoding.UTF8.GetBytes(config.ToJsonString());
        string tar = Path.Combine(dir, "image.tar");
        OciArchiveWriter.Write(tar, "ccimage-test/nvflare-site:1", configBytes, [layer], Epoch);
        string archive = Path.Combine(dir, "nvflare-site.tar.gz");
        using (var input = File.OpenRead(tar))
        using (var output = File.Create(archive))
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            input.CopyTo(gzip);
        return (archive, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(configBytes)));
    }
}
