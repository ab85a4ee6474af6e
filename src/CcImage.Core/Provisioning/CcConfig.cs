// NVFlare's per-site cc_config, read and checked (CcConfigReader): every key of CONTRACT.md §4 with its default, paths
// made absolute, sizes in bytes, and the line each key was given on, so later errors can point at it.
namespace CcImage.Core.Provisioning;

public sealed record CcConfig
{
    /// <summary>Bytes in one of NVFlare's drive-size GB (qemu-img's G: 1024^3).</summary>
    public const long BytesPerGb = 1L << 30;

    public required string File { get; init; }

    public required string ComputeEnv { get; init; }

    public string CpuMechanism { get; init; } = CcConfigKeys.AmdSevSnp;

    /// <summary>nvidia_cc, or null for a site without GPU confidential computing.</summary>
    public string? GpuMechanism { get; init; }

    public string? CvmImageName { get; init; }

    /// <summary>server or client (null when the file does not say; a project.yml participant's type may supply it).</summary>
    public string? Role { get; init; }

    public long RootDriveBytes { get; init; } = 10 * BytesPerGb;
    public long ApplogDriveBytes { get; init; } = 1 * BytesPerGb;
    public long UserConfigDriveBytes { get; init; } = 1 * BytesPerGb;
    public long UserDataDriveBytes { get; init; } = 1 * BytesPerGb;

    /// <summary>The absolute path of the workload's image archive (docker save, optionally gzip-compressed).</summary>
    public string? DockerArchive { get; init; }

    /// <summary>Inbound TCP ports, in the order given, without repeats.</summary>
    public IReadOnlyList<int> AllowedPorts { get; init; } = [];

    /// <summary>Outbound TCP ports, in the order given, without repeats.</summary>
    public IReadOnlyList<int> AllowedOutPorts { get; init; } = [];

    public IReadOnlyList<HostsEntry> HostsEntries { get; init; } = [];

    public IReadOnlyList<CcIssuer> Issuers { get; init; } = [];

    /// <summary>cc_attestation.check_frequency, seconds.</summary>
    public long CheckFrequency { get; init; } = CcConfigKeys.DefaultCheckFrequency;

    public IReadOnlyList<string> ClassAllowList { get; init; } = [];

    /// <summary>user_config entries in the order given; paths absolute.</summary>
    public IReadOnlyList<UserConfigEntry> UserConfig { get; init; } = [];

    /// <summary>The line of each top-level key given (for errors found after reading).</summary>
    public IReadOnlyDictionary<string, int> Lines { get; init; } = new Dictionary<string, int>();

    /// <summary>The line of <paramref name="key"/>, or 1 when it was not given.</summary>
    public int LineOf(string key) => Lines.TryGetValue(key, out int line) ? line : 1;

    /// <summary>The startup kit folder (user_config nvflare), or null.</summary>
    public string? StartupKit => UserConfig.FirstOrDefault(u => u.Key == CcConfigKeys.NvflareUserConfig)?.Path;
}
