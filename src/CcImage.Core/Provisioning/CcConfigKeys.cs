// The keys of NVFlare's per-site cc_config (nvflare/lighter/cc_provision: cc_constants.py CCConfigKey, the CCBuilder
// and the keys it passes through to the image builder; CONTRACT.md §4) and the values NVFlare declares for them.
namespace CcImage.Core.Provisioning;

public static class CcConfigKeys
{
    // Read by NVFlare itself.
    public const string ComputeEnv = "compute_env";
    public const string CcIssuers = "cc_issuers";
    public const string CcAttestation = "cc_attestation";
    public const string ClassAllowList = "class_allow_list";
    public const string UserConfig = "user_config";

    // Declared constants.
    public const string CpuMechanism = "cc_cpu_mechanism";
    public const string GpuMechanism = "cc_gpu_mechanism";
    public const string CvmImageName = "cvm_image_name";

    // Passed through to the image builder.
    public const string Role = "role";
    public const string RootDriveSize = "root_drive_size";
    public const string ApplogDriveSize = "applog_drive_size";
    public const string UserConfigDriveSize = "user_config_drive_size";
    public const string UserDataDriveSize = "user_data_drive_size";
    public const string DockerArchive = "docker_archive";
    public const string AllowedPorts = "allowed_ports";
    public const string AllowedOutPorts = "allowed_out_ports";
    public const string HostsEntries = "hosts_entries";

    /// <summary>The spelling of hosts_entries NVFlare's deployment guide also uses.</summary>
    public const string HostEntries = "host_entries";

    // Inside cc_issuers items and cc_attestation.
    public const string IssuerId = "id";
    public const string IssuerPath = "path";
    public const string IssuerTokenExpiration = "token_expiration";
    public const string IssuerArgs = "args";
    public const string CheckFrequency = "check_frequency";

    /// <summary>The key user_config always gets from NVFlare's OnPremPackager: the site's startup-kit folder.</summary>
    public const string NvflareUserConfig = "nvflare";

    public static IReadOnlyList<string> All { get; } =
    [
        ComputeEnv, CcIssuers, CcAttestation, ClassAllowList, UserConfig, CpuMechanism, GpuMechanism, CvmImageName, Role,
        RootDriveSize, ApplogDriveSize, UserConfigDriveSize, UserDataDriveSize, DockerArchive, AllowedPorts, AllowedOutPorts,
        HostsEntries, HostEntries,
    ];

    public static IReadOnlyList<string> IssuerKeys { get; } = [IssuerId, IssuerPath, IssuerTokenExpiration, IssuerArgs];

    public static IReadOnlyList<string> AttestationKeys { get; } = [CheckFrequency];

    // Values (cc_constants.py CCConfigValue).
    public const string OnpremCvm = "onprem_cvm";
    public const string AzureConfidentialContainer = "azure_confidential_container";
    public const string AzureCvm = "azure_cvm";
    public const string Mock = "mock";
    public const string AmdSevSnp = "amd_sev_snp";
    public const string IntelTdx = "intel_tdx";
    public const string NvidiaCc = "nvidia_cc";

    public static IReadOnlyList<string> ComputeEnvs { get; } = [OnpremCvm, AzureConfidentialContainer, AzureCvm, Mock];
    public static IReadOnlyList<string> CpuMechanisms { get; } = [AmdSevSnp, IntelTdx];
    public static IReadOnlyList<string> GpuMechanisms { get; } = [NvidiaCc];
    public static IReadOnlyList<string> Roles { get; } = ["server", "client"];

    /// <summary>cc_attestation.check_frequency when the file does not give one (NVFlare's CCBuilder default).</summary>
    public const int DefaultCheckFrequency = 600;
}
