// Everything `ccimage aci build` and the ACI MSBuild target need to build the NVFlare server for Confidential ACI.
namespace CcImage.Core.Aci;

public sealed record AciBuildRequest
{
    /// <summary>The output folder; results go to its aci/ subfolder.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>CcAciBaseImage: a local image archive (docker save or OCI layout) with Python.</summary>
    public required string BaseImageArchive { get; init; }

    /// <summary>CcAciImage: the image name the container group pulls, REGISTRY/REPOSITORY:TAG.</summary>
    public required string ImageName { get; init; }

    /// <summary>CcAciStartupKit: the server's startup kit folder, or null.</summary>
    public string? StartupKitDirectory { get; init; }

    /// <summary>Where the startup kit lands in the image (CcNvflareHome/&lt;kit folder name&gt;).</summary>
    public string NvflareHome { get; init; } = "/opt/nvflare";

    /// <summary>CcNvflareVersion; null or empty adds no NVFlare layer (the base image already has it).</summary>
    public string? NvflareVersion { get; init; }

    public string? PipFindLinks { get; init; }
    public string? PipIndexUrl { get; init; }

    /// <summary>CcPythonVersion of the base image, for the NVFlare layer's site-packages path.</summary>
    public string PythonVersion { get; init; } = "3.11";

    public string ContainerGroupName { get; init; } = "nvflare-server";
    public string ContainerName { get; init; } = "nvflare-server";
    public IReadOnlyList<int> Ports { get; init; } = [8002, 8003];
    public double Cpu { get; init; } = 2;
    public double MemoryInGb { get; init; } = 4;
    public string RestartPolicy { get; init; } = "Never";
    public string? DnsNameLabel { get; init; }

    /// <summary>The registry user the container group pulls with (ACR token user by default).</summary>
    public string RegistryUser { get; init; } = Registry.RegistryCredentials.AcrTokenUser;

    /// <summary>The container command; default: the startup kit's sub_start.sh.</summary>
    public IReadOnlyList<string>? Command { get; init; }

    public long SourceDateEpoch { get; init; }
}
