// Maps one confidential site's cc_config onto an image project (settings and items of the one settings table), the
// same for `ccimage build-cvm` and for MSBuild projects that name a project.yml:
//   role → CcRole; the drive sizes → partition sizes (applog, user_config and user_data get their own partitions; the
//   root drive holds the verity root, the workload and the encrypted /vault, which fills the rest: CcDiskSize is the
//   sum of the four drives); allowed_ports/allowed_out_ports → CcAllowedPort items (Direction in/out);
//   hosts_entries → /etc/hosts and cc_issuers/cc_attestation/class_allow_list → /etc/ccimage/attestation.json, both
//   through CcRootOverlay; cc_gpu_mechanism → CcGpuMechanism (launch_vm.sh passes the GPU through); user_config → the
//   verity-protected user_config partition (/user_config/KEY); docker_archive → the verity-protected workload partition,
//   run at boot by podman (ccimage-workload.service). The site's vm_id is derived from its name and every input and put
//   on the measured kernel command line. docs/nvflare-provisioning.md describes the result.
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Provisioning;

public sealed record CvmSite(CvmSiteFacts Facts, ImageProject Project)
{
    /// <summary>Bump when the same inputs should give another vm_id (the image's layout or files changed meaning).</summary>
    public const int FormatVersion = 1;

    /// <summary>Hex digits of the vm_id (and of the bundle folder cvm_ID), as NVFlare's bundles name theirs.</summary>
    public const int VmIdLength = 12;

    /// <summary>The base package set of the SDK (CcImage.Common.targets, CcIncludeDefaultPackages) — a test keeps the two
    /// in step — plus podman, the workload's container runtime.</summary>
    public static readonly IReadOnlyList<string> BasePackages =
        ["linux-image-amd64", "systemd", "systemd-sysv", "cryptsetup-bin", "busybox", "e2fsprogs", "kmod"];

    /// <summary>The container runtime that loads and runs the workload (docs/nvflare-provisioning.md says why podman).</summary>
    public const string ContainerRuntimePackage = "podman";

    /// <summary>vCPUs of a site VM unless CcVcpus says otherwise (part of the measurement).</summary>
    public const string DefaultVcpus = "4";

    /// <summary>Settings the mapping owns; a caller may not set them.</summary>
    public static readonly IReadOnlyList<string> OwnedSettings =
        ["CcRole", "CcRootOverlay", "CcVmId", "CcDiskSize", "CcImageSize", "CcGpuMechanism", "CcLayoutFile"];

    /// <summary>Settings that say where things go, not what is built: left out of the vm_id.</summary>
    private static readonly HashSet<string> PlaceSettings = new(StringComparer.Ordinal)
    {
        "CcOutputDir", "CcIntermediateDir", "CcCacheDirectory", "CcCacheMaxSize", "CcPackageLockFile", "CcLockedMode",
        "CcSkipImageTests", "CcProjectFile", "CcStartupKitsDir", "CcCvmBundle",
    };

    /// <summary>GPT room around the partitions: the primary and backup tables and 1 MiB alignment.</summary>
    private const long DiskSlackBytes = 2L << 20;

    private const long MiB = 1L << 20;

    public static CvmSite Prepare(CvmSiteRequest request, ILog log, CancellationToken cancellationToken)
    {
        var config = request.Config;
        string site = request.SiteName;
        if (!NvflareProjectReader.IsSiteName(site))
            throw Diag.Error(nameof(Strings.CvmSiteNameInvalid), site, request.ProjectFile ?? config.File);
        CheckSupported(config);
        string role = Role(request);
        if (config.DockerArchive is not { } archivePath)
            throw Diag.At(config.File, 1, nameof(Strings.CvmDockerArchiveMissing), config.File, 1);
        if (config.StartupKit is null)
            log.Warning(Diag.Format(nameof(Strings.CvmNoStartupKit), config.File).Code, Diag.Format(nameof(Strings.CvmNoStartupKit), config.File).Text);
        foreach (string key in request.Settings.Keys)
        {
            if (OwnedSettings.Contains(key, StringComparer.Ordinal))
                throw Diag.Error(nameof(Strings.CvmPropertyReserved), key, request.SettingsSource);
            if (SettingsTable.Find(key) is null)
                throw Diag.Error(nameof(Strings.CvmPropertyInvalid), key, request.SettingsSource);
        }

        Directory.CreateDirectory(request.SiteDirectory);
        var archive = ArchiveInfo(archivePath, request.SiteDirectory, cancellationToken);
        var userConfigPrints = config.UserConfig.Select(u => $"{u.Key}={(Directory.Exists(u.Path) ? "tree:" + TreeFingerprint.Compute(u.Path) : "sha256:" + FileHash.Sha256Hex(u.Path))}");
        string vmId = VmId(site, role, config, archive, userConfigPrints, request.Settings);
        var facts = new CvmSiteFacts(site, role, vmId, config, archive);

        string content = Path.Combine(request.SiteDirectory, "content");
        string overlay = Path.Combine(content, "overlay");
        string userConfig = Path.Combine(content, "user_config");
        string workload = Path.Combine(content, "workload");
        StagedFolder.Write(overlay, dir => SiteFiles.Write(dir, facts));
        StagedFolder.Write(userConfig, dir =>
        {
            foreach (var entry in config.UserConfig)
                if (Directory.Exists(entry.Path))
                    StagedFolder.CopyTree(entry.Path, Path.Combine(dir, entry.Key));
                else
                    File.Copy(entry.Path, Path.Combine(dir, entry.Key));
        });
        PlaceArchive(archivePath, workload, facts.ArchiveFileName);

        var settings = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["CcImageSeed"] = "nvflare-cvm/" + site,
            ["CcVcpus"] = DefaultVcpus,
            ["CcOutputDir"] = Path.Combine(request.SiteDirectory, "bin") + "/",
            ["CcIntermediateDir"] = Path.Combine(request.SiteDirectory, "obj") + "/",
        };
        foreach (var (key, value) in request.Settings)
            settings[key] = value;
        long disk = config.RootDriveBytes + config.ApplogDriveBytes + config.UserConfigDriveBytes + config.UserDataDriveBytes + DiskSlackBytes;
        settings["CcRole"] = role;
        settings["CcRootOverlay"] = overlay;
        settings["CcVmId"] = vmId;
        settings["CcDiskSize"] = Mib(disk);
        settings["CcImageSize"] = Mib(disk);
        settings["CcGpuMechanism"] = config.GpuMechanism ?? "none";
        settings["CcKernelCmdline"] = ("vm_id=" + vmId + " " + (request.Settings.GetValueOrDefault("CcKernelCmdline") ?? "")).Trim();

        var items = new Dictionary<string, IReadOnlyList<ProjectItem>>(StringComparer.Ordinal)
        {
            ["CcPartition"] = Partitions(config, userConfig, workload),
            ["CcPackage"] = BasePackages.Append(ContainerRuntimePackage).Select(ProjectItem.Plain).ToList(),
            ["CcAllowedPort"] = config.AllowedPorts.Select(p => Port(p, "in"))
                .Concat(config.AllowedOutPorts.Select(p => Port(p, "out"))).ToList(),
        };
        var project = new ImageProject
        {
            ProjectPath = Path.Combine(request.SiteDirectory, site + ".ccproj"),
            Settings = new ProjectSettings(settings),
            Items = items,
        };
        return new CvmSite(facts, project);
    }

    private static void CheckSupported(CcConfig config)
    {
        int envLine = config.LineOf(CcConfigKeys.ComputeEnv);
        switch (config.ComputeEnv)
        {
            case CcConfigKeys.AzureConfidentialContainer:
                throw Diag.At(config.File, envLine, nameof(Strings.CcConfigComputeEnvUnsupported), config.File, envLine, config.ComputeEnv,
                    "Confidential Azure Container Instances take a container image and a ccePolicy (`ccimage aci build`, docs/aci.md)");
            case CcConfigKeys.AzureCvm:
                throw Diag.At(config.File, envLine, nameof(Strings.CcConfigComputeEnvUnsupported), config.File, envLine, config.ComputeEnv,
                    "Azure confidential VMs boot Azure's own images");
        }
        if (config.CpuMechanism != CcConfigKeys.AmdSevSnp)
        {
            int line = config.LineOf(CcConfigKeys.CpuMechanism);
            throw Diag.At(config.File, line, nameof(Strings.CcConfigCpuMechanismUnsupported), config.File, line, config.CpuMechanism);
        }
    }

    private static string Role(CvmSiteRequest request)
    {
        var config = request.Config;
        if (config.Role is { } role)
        {
            if (request.ParticipantType is { } type && type != role)
            {
                int line = config.LineOf(CcConfigKeys.Role);
                throw Diag.At(config.File, line, nameof(Strings.CvmRoleMismatch), config.File, line, role, request.SiteName, request.ProjectFile, type);
            }
            return role;
        }
        return request.ParticipantType ?? throw Diag.At(config.File, 1, nameof(Strings.CvmRoleMissing), config.File, 1);
    }

    private static List<ProjectItem> Partitions(CcConfig config, string userConfig, string workload) =>
    [
        Partition("root", ("MountPoint", "/"), ("Protection", "verity")),
        Partition("workload", ("MountPoint", SiteFiles.WorkloadMountPoint), ("Protection", "verity"), ("Content", workload)),
        Partition("user_config", ("MountPoint", SiteFiles.UserConfigMountPoint), ("Protection", "verity"), ("Content", userConfig),
            ("Size", Mib(config.UserConfigDriveBytes))),
        Partition("applog", ("MountPoint", SiteFiles.ApplogMountPoint), ("Protection", "none"), ("Size", Mib(config.ApplogDriveBytes))),
        Partition("user_data", ("MountPoint", SiteFiles.UserDataMountPoint), ("Protection", "none"), ("Size", Mib(config.UserDataDriveBytes))),
        // Last, so it takes what the root drive leaves and a resize grows it.
        Partition("vault", ("MountPoint", SiteFiles.VaultMountPoint), ("Protection", "luks-ephemeral"), ("Size", "*")),
    ];

    private static ProjectItem Partition(string name, params (string Key, string Value)[] metadata) =>
        new(name, metadata.ToDictionary(m => m.Key, m => m.Value, StringComparer.Ordinal));

    private static ProjectItem Port(int port, string direction) =>
        new(port.ToString(CultureInfo.InvariantCulture), new Dictionary<string, string> { ["Direction"] = direction, ["Protocol"] = "tcp" });

    private static string Mib(long bytes) => ((bytes + MiB - 1) / MiB).ToString(CultureInfo.InvariantCulture) + "M";

    /// <summary>The vm_id: the first hex digits of a digest over the site's name and everything that shapes its image.</summary>
    private static string VmId(string site, string role, CcConfig config, DockerArchiveInfo archive, IEnumerable<string> userConfig,
        IReadOnlyDictionary<string, string> settings)
    {
        var manifest = new CacheManifest("cvm-site", FormatVersion)
            .Add("site", site)
            .Add("role", role)
            .Add("compute-env", config.ComputeEnv)
            .Add("cpu", config.CpuMechanism)
            .Add("gpu", config.GpuMechanism)
            .Add("image-name", config.CvmImageName)
            .Add("drives", string.Join(",", config.RootDriveBytes, config.ApplogDriveBytes, config.UserConfigDriveBytes, config.UserDataDriveBytes))
            .Add("ports-in", string.Join(",", config.AllowedPorts))
            .Add("ports-out", string.Join(",", config.AllowedOutPorts))
            .Add("hosts", string.Join(",", config.HostsEntries.Select(h => $"{h.Name}={h.Address}")))
            .Add("issuers", new JsonArray(config.Issuers.Select(i => (JsonNode)new JsonObject
            {
                ["id"] = i.Id, ["path"] = i.Path, ["token_expiration"] = i.TokenExpiration, ["args"] = i.Args.DeepClone(),
            }).ToArray()).ToJsonString())
            .Add("check-frequency", config.CheckFrequency.ToString(CultureInfo.InvariantCulture))
            .Add("class-allow-list", string.Join(",", config.ClassAllowList))
            .Add("user-config", string.Join(",", userConfig))
            .Add("archive", "sha256:" + archive.Sha256)
            .Add("settings", string.Join(";", settings.Where(s => !PlaceSettings.Contains(s.Key)).OrderBy(s => s.Key, StringComparer.Ordinal)
                .Select(s => $"{s.Key}={s.Value}")));
        return manifest.Key[..VmIdLength];
    }

    /// <summary>The archive's facts, remembered beside the site by the file's path, size and time (a multi-GB archive is read
    /// once, not at every build).</summary>
    private static DockerArchiveInfo ArchiveInfo(string path, string siteDirectory, CancellationToken cancellationToken)
    {
        var file = new FileInfo(path);
        string stamp = $"{file.FullName}|{file.Length}|{file.LastWriteTimeUtc.Ticks}";
        string remembered = Path.Combine(siteDirectory, "docker-archive.json");
        if (File.Exists(remembered))
        {
            try
            {
                var saved = JsonSerializer.Deserialize(File.ReadAllText(remembered), PipelineJsonContext.Default.RememberedArchive);
                if (saved?.Stamp == stamp && saved.Info is { } info)
                    return info;
            }
            catch (JsonException)
            {
                // rewritten below
            }
        }
        var read = DockerArchiveInfo.Read(path, cancellationToken);
        AtomicFile.WriteAllText(remembered, JsonSerializer.Serialize(new RememberedArchive(stamp, read), PipelineJsonContext.Default.RememberedArchive));
        return read;
    }

    internal sealed record RememberedArchive(string Stamp, DockerArchiveInfo? Info);

    /// <summary>The archive in the workload partition's folder: a hard link (or a copy) of the file, with its mode and time,
    /// kept while the source's size and time are unchanged.</summary>
    private static void PlaceArchive(string source, string folder, string name)
    {
        string target = Path.Combine(folder, name);
        var from = new FileInfo(source);
        if (File.Exists(target) && Directory.GetFileSystemEntries(folder).Length == 1 && new FileInfo(target) is var to
            && to.Length == from.Length && to.LastWriteTimeUtc == from.LastWriteTimeUtc)
            return;
        StageCache.TryDeleteDirectory(folder);
        Directory.CreateDirectory(folder);
        AtomicFile.Write(target, temp =>
        {
            HardLink.CreateOrCopy(source, temp);
            File.SetLastWriteTimeUtc(temp, from.LastWriteTimeUtc);
        });
    }
}
