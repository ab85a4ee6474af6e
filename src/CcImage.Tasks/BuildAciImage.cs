// Task: the Confidential ACI build (aci/image.oci.tar, aci/template.json, aci/ccePolicy.rego, aci/deploy.sh) through
// Core's AciBuilder, the same entry point `ccimage aci build` calls.
using System.Globalization;
using CcImage.Core.Aci;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class BuildAciImage : CcTask
{
    [Required] public string OutputDirectory { get; set; } = "";
    [Required] public string BaseImage { get; set; } = "";
    [Required] public string Image { get; set; } = "";
    public string StartupKit { get; set; } = "";
    public string NvflareHome { get; set; } = "/opt/nvflare";
    public string NvflareVersion { get; set; } = "";
    public string PipFindLinks { get; set; } = "";
    public string PipIndexUrl { get; set; } = "";
    public string PythonVersion { get; set; } = "3.11";
    public string ContainerGroupName { get; set; } = "nvflare-server";
    public string Ports { get; set; } = "8002;8003";
    public string Cpu { get; set; } = "2";
    public string MemoryInGB { get; set; } = "4";
    public string RestartPolicy { get; set; } = "Never";
    public string DnsNameLabel { get; set; } = "";
    public string SourceDateEpoch { get; set; } = "0";

    [Output] public ITaskItem[] Files { get; set; } = [];
    [Output] public string PolicySha256 { get; set; } = "";

    protected override void ExecuteCore()
    {
        var request = new AciBuildRequest
        {
            OutputDirectory = OutputDirectory,
            BaseImageArchive = BaseImage,
            ImageName = Image,
            StartupKitDirectory = string.IsNullOrEmpty(StartupKit) ? null : StartupKit,
            NvflareHome = NvflareHome,
            NvflareVersion = string.IsNullOrEmpty(NvflareVersion) ? null : NvflareVersion,
            PipFindLinks = string.IsNullOrEmpty(PipFindLinks) ? null : PipFindLinks,
            PipIndexUrl = string.IsNullOrEmpty(PipIndexUrl) ? null : PipIndexUrl,
            PythonVersion = PythonVersion,
            ContainerGroupName = ContainerGroupName,
            Ports = Ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList(),
            Cpu = double.Parse(Cpu, CultureInfo.InvariantCulture),
            MemoryInGb = double.Parse(MemoryInGB, CultureInfo.InvariantCulture),
            RestartPolicy = RestartPolicy,
            DnsNameLabel = string.IsNullOrEmpty(DnsNameLabel) ? null : DnsNameLabel,
            SourceDateEpoch = CcImage.Core.Config.SourceDateEpoch.Parse(SourceDateEpoch),
        };
        var result = AciBuilder.Build(request, CoreLog, CancellationToken);
        Files = result.Files.Select(f => (ITaskItem)new Microsoft.Build.Utilities.TaskItem(f)).ToArray();
        PolicySha256 = result.PolicySha256;
    }
}
