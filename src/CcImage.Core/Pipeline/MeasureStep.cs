// MeasureSnp: the SEV-SNP launch measurement of the image as it will boot — the firmware, the stage's own kernel,
// initramfs and command line (or CcKernel/CcInitrd/CcKernelCmdline for boot files of the project's own) — written to
// expected-measurement.json; the firmware is copied beside the image so a bundle holds what was measured.
using CcImage.Core.Diagnostics;
using CcImage.Core.Snp;

namespace CcImage.Core.Pipeline;

public static class MeasureStep
{
    public const string Name = "MeasureSnp";
    public const string MeasurementFileName = "expected-measurement.json";

    /// <summary>Image steps in pipeline order; the last one with a record is the image that boots.</summary>
    public static readonly IReadOnlyList<string> ImageSteps = [BaseImageStep.Name, InstallNvflareStep.Name, HardenImageStep.Name];

    public static ExpectedMeasurement Run(PipelineContext context, StageRecord? stage = null)
    {
        var project = context.Project;
        var settings = project.Settings;
        stage ??= ImageSteps.Reverse().Select(s => StageRecord.TryRead(StageRecord.PathFor(context.StagesDirectory, s)))
            .FirstOrDefault(r => r?.Kernel != null);

        string ovmf = FirmwareResolver.Resolve(context);
        string? kernel = settings.Path("CcKernel", project.ProjectDirectory) ?? stage?.Kernel;
        string? initrd = settings.Path("CcInitrd", project.ProjectDirectory) ?? stage?.Initrd;
        string? extra = settings.Optional("CcKernelCmdline");
        // A stage's command line already ends with CcKernelCmdline; boot files of the project's own take it as given.
        string? cmdline = settings.Optional("CcKernel") == null && stage?.Cmdline != null ? stage.Cmdline : extra;
        if (kernel == null)
            throw Diag.Error(nameof(Strings.RequiredPropertyMissing), "CcKernel",
                "the kernel to measure (a project with a root partition measures its own vmlinuz)");

        var outputs = new List<string>();
        if (stage?.Kernel != null)
        {
            string firmwareCopy = context.OutputPath(Path.GetFileName(ovmf));
            OutputFiles.CopyIfChanged(ovmf, firmwareCopy);
            ovmf = firmwareCopy;
            outputs.Add(firmwareCopy);
        }
        var result = ExpectedMeasurement.Compute(settings.Choice("CcSnpMode"), ovmf, kernel, initrd, cmdline,
            checked((int)settings.Number("CcVcpus")), settings["CcVcpuType"], settings.Choice("CcVmmType"), settings["CcGuestFeatures"]);
        string path = context.OutputPath(MeasurementFileName);
        result.WriteJson(path);
        outputs.Add(path);
        FileList.Write(context, Name, outputs);
        context.Log.Info($"{Name}: {result.Mode} measurement {result.MeasurementHex} ({result.Vcpus} vCPUs {result.VcpuType}, {result.VmmType}) -> {path}");
        return result;
    }
}
