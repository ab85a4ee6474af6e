// Task WriteCvmBundle: launch_vm.sh, README.txt, the key-release policy and the bundle cvm_<id>.tgz of the image that
// boots (the last image step with a boot chain), in the output folder (CcCvmBundle=true; Core's CvmBundle).
using CcImage.Core.Pipeline;
using CcImage.Core.Provisioning;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class WriteCvmBundle : PipelineTask
{
    /// <summary>The site's name (default: the project's name).</summary>
    public string SiteName { get; set; } = "";

    /// <summary>The disk image's name in the bundle (default: its own).</summary>
    public string DiskName { get; set; } = "";

    [Output]
    public string Bundle { get; set; } = "";

    protected override void ExecuteCore()
    {
        var project = Project;
        string stages = new PipelineContext(project, CoreLog, CancellationToken).StagesDirectory;
        var record = MeasureStep.ImageSteps.Reverse()
            .Select(s => StageRecord.TryRead(StageRecord.PathFor(stages, s)))
            .FirstOrDefault(r => r?.Kernel != null)
            ?? throw new InvalidOperationException("No image step has written a bootable image yet.");
        string site = SiteName.Length > 0 ? SiteName : Path.GetFileNameWithoutExtension(ProjectPath);
        var result = CvmBundle.Write(project, record, site, DiskName.Length > 0 ? DiskName : null, project.OutputDirectory, CoreLog, CancellationToken);
        Bundle = result.Path;
        Log.LogMessage(MessageImportance.High, $"{site} -> {result.Path}");
    }
}
