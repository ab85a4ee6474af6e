// MSBuild task MeasureSnp: computes the SEV-SNP (or SEV-ES/SEV) launch measurement of the image's firmware, kernel,
// initrd and command line and writes expected-measurement.json through CcImage.Core.
using System.Globalization;
using CcImage.Core.Diagnostics;
using CcImage.Core.Snp;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class MeasureSnp : CcTask
{
    /// <summary>The OVMF firmware (e.g. OVMF.amdsev.fd).</summary>
    [Required]
    public string OvmfPath { get; set; } = "";

    public string? KernelPath { get; set; }
    public string? InitrdPath { get; set; }
    public string? KernelCmdline { get; set; }

    /// <summary>Number of vCPUs the VM is launched with.</summary>
    public int Vcpus { get; set; } = 1;

    /// <summary>QEMU CPU model name (EPYC-v4, EPYC-Milan, ...).</summary>
    public string VcpuType { get; set; } = "EPYC-v4";

    /// <summary>QEMU, ec2 or gce.</summary>
    public string VmmType { get; set; } = "QEMU";

    /// <summary>SEV features of the VMSA, hex (0x1) or decimal.</summary>
    public string GuestFeatures { get; set; } = "0x1";

    /// <summary>snp (default), seves or sev.</summary>
    public string Mode { get; set; } = "snp";

    /// <summary>Where expected-measurement.json is written.</summary>
    [Required]
    public string OutputPath { get; set; } = "";

    /// <summary>The measurement, hex.</summary>
    [Output]
    public string? Measurement { get; private set; }

    /// <summary>The measurement, base64 of the raw bytes (NVFlare's key-release policy form).</summary>
    [Output]
    public string? MeasurementBase64 { get; private set; }

    protected override void ExecuteCore()
    {
        if (string.IsNullOrWhiteSpace(OvmfPath))
            throw Diag.Error(nameof(Strings.RequiredPropertyMissing), "CcOvmf", "the OVMF firmware the VM boots");
        var result = ExpectedMeasurement.Compute(Mode, OvmfPath, NullIfEmpty(KernelPath), NullIfEmpty(InitrdPath),
            NullIfEmpty(KernelCmdline), Vcpus, VcpuType, VmmType, GuestFeatures);
        result.WriteJson(OutputPath);
        Measurement = result.MeasurementHex;
        MeasurementBase64 = result.MeasurementBase64;
        Log.LogMessage(MessageImportance.High, string.Format(CultureInfo.InvariantCulture,
            "MeasureSnp: {0} measurement {1} ({2} vCPUs {3}, {4}) -> {5}", Mode, Measurement, Vcpus, VcpuType, VmmType, OutputPath));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
