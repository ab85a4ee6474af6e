// Task: a base image archive from a root file system tar (e.g. written by mmdebstrap), through Core's ImageAssembler.
using CcImage.Core.Oci;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class MakeAciBaseImage : CcTask
{
    [Required] public string RootfsTar { get; set; } = "";
    [Required] public string ImageName { get; set; } = "";
    [Required] public string OutputArchive { get; set; } = "";
    public string SourceDateEpoch { get; set; } = "0";

    protected override void ExecuteCore() =>
        ImageAssembler.FromRootfs(RootfsTar, ImageName, CcImage.Core.Config.SourceDateEpoch.Parse(SourceDateEpoch), OutputArchive, CancellationToken);
}
