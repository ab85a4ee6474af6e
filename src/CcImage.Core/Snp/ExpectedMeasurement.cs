// expected-measurement.json: the launch digest a verifier should expect, with every input that determines it (file
// names and SHA-256s, vCPUs, VMM, guest features, command line), so that `ccimage measure` or sev-snp-measure given
// the same inputs reproduces `measurement`. NVFlare's key-release policy takes `measurement_base64`.
using CcImage.Core.Config;
using CcImage.Core.Hashing;
using CcImage.Core.Caching;
using System.Text.Json;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Snp;

public sealed record ExpectedMeasurement
{
    /// <summary>Modes the build can pin (the ones that take a firmware, kernel, initrd and command line).</summary>
    public static readonly IReadOnlyList<string> BuildModes = ["snp", "seves", "sev"];

    public required string Mode { get; init; }
    public required byte[] Measurement { get; init; }
    public required int Vcpus { get; init; }
    public required string VcpuType { get; init; }
    public required string VmmType { get; init; }
    public required ulong GuestFeatures { get; init; }
    public required string Ovmf { get; init; }
    public required string OvmfSha256 { get; init; }
    public string? Kernel { get; init; }
    public string? KernelSha256 { get; init; }
    public string? Initrd { get; init; }
    public string? InitrdSha256 { get; init; }
    public string? Cmdline { get; init; }

    public string MeasurementHex => Convert.ToHexString(Measurement).ToLowerInvariant();
    public string MeasurementBase64 => Convert.ToBase64String(Measurement);

    /// <summary>Measures the given files; each is read and hashed once (the larger of kernel and initrd beside the rest).</summary>
    public static ExpectedMeasurement Compute(string mode, string ovmfPath, string? kernelPath, string? initrdPath,
        string? cmdline, int vcpus, string vcpuType, string vmmType, string guestFeatures)
    {
        var sevMode = mode switch
        {
            "snp" => SevMode.SEV_SNP,
            "seves" => SevMode.SEV_ES,
            "sev" => SevMode.SEV,
            _ => throw Diag.Error(nameof(Strings.SnpModeInvalid), mode),
        };
        if (vcpus < 1)
            throw Diag.Error(nameof(Strings.SnpVcpusOutOfRange), vcpus);
        if (!VcpuSignature.TryGetByType(vcpuType, out ulong vcpuSig))
            throw Diag.Error(nameof(Strings.SnpUnknownVcpuType), vcpuType, string.Join(", ", VcpuSignature.Types.Select(t => t.Key)));
        if (!Enum.TryParse<VmmType>(vmmType, out var vmm) || !Enum.GetNames<VmmType>().Contains(vmmType, StringComparer.Ordinal))
            throw Diag.Error(nameof(Strings.SnpUnknownVmmType), vmmType);
        if (!IntegerLiteral.TryParse(guestFeatures, autoBase: true, out var features))
            throw Diag.Error(nameof(Strings.SnpIntegerInvalid), guestFeatures, "the guest features");
        if (string.IsNullOrEmpty(kernelPath) && (!string.IsNullOrEmpty(initrdPath) || !string.IsNullOrEmpty(cmdline)))
            throw Diag.Error(nameof(Strings.SnpKernelRequired), string.IsNullOrEmpty(initrdPath) ? "a kernel command line" : "an initrd");
        foreach (var (path, what, max) in new[]
                 {
                     (ovmfPath, "the firmware (CcOvmf)", InputFile.MaxFirmwareBytes), (kernelPath, "the kernel (CcKernel)", InputFile.MaxKernelBytes),
                     (initrdPath, "the initrd (CcInitrd)", InputFile.MaxInitrdBytes),
                 })
            if (!string.IsNullOrEmpty(path))
                InputFile.Require(path, what, max);

        var kernelHashes = string.IsNullOrEmpty(kernelPath) ? null : KernelHashesJob.Start(kernelPath, initrdPath, cmdline);
        byte[] digest = LaunchDigestCalculator.Calculate(new MeasurementRequest
        {
            Mode = sevMode,
            OvmfPath = ovmfPath,
            Vcpus = vcpus,
            VcpuSig = vcpuSig,
            VmmType = vmm,
            GuestFeatures = IntegerLiteral.ToUInt64Wrapped(features),
            KernelPath = kernelPath,
            InitrdPath = initrdPath,
            Append = cmdline,
            KernelHashes = kernelHashes,
        });
        var hashes = kernelHashes?.Result();
        return new ExpectedMeasurement
        {
            Mode = mode,
            Measurement = digest,
            Vcpus = vcpus,
            VcpuType = vcpuType,
            VmmType = vmmType,
            GuestFeatures = IntegerLiteral.ToUInt64Wrapped(features),
            Ovmf = Path.GetFileName(ovmfPath),
            OvmfSha256 = Hex(FileHash.Sha256(ovmfPath)),
            Kernel = string.IsNullOrEmpty(kernelPath) ? null : Path.GetFileName(kernelPath),
            KernelSha256 = hashes is null ? null : Hex(hashes.KernelHash),
            Initrd = string.IsNullOrEmpty(initrdPath) ? null : Path.GetFileName(initrdPath),
            InitrdSha256 = hashes is null || string.IsNullOrEmpty(initrdPath) ? null : Hex(hashes.InitrdHash),
            Cmdline = hashes is null ? null : cmdline ?? "",
        };
    }

    /// <summary>The JSON document (indented, fixed key order, UTF-8, trailing newline).</summary>
    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("measurement", MeasurementHex);
            json.WriteString("measurement_base64", MeasurementBase64);
            json.WriteString("mode", Mode);
            json.WriteNumber("vcpus", Vcpus);
            json.WriteString("vcpu_type", VcpuType);
            json.WriteString("vmm_type", VmmType);
            json.WriteString("guest_features", IntegerLiteral.ToHex(GuestFeatures));
            json.WriteString("ovmf", Ovmf);
            json.WriteString("ovmf_sha256", OvmfSha256);
            WriteOptional(json, "kernel", Kernel);
            WriteOptional(json, "kernel_sha256", KernelSha256);
            WriteOptional(json, "initrd", Initrd);
            WriteOptional(json, "initrd_sha256", InitrdSha256);
            WriteOptional(json, "cmdline", Cmdline);
            json.WriteString("reference", "sev-snp-measure 0.0.13");
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Writes the JSON to <paramref name="path"/> through a temporary file beside it.</summary>
    public void WriteJson(string path) => AtomicFile.WriteAllBytes(path, ToJson());

    /// <summary>The `ccimage measure` arguments that reproduce <see cref="Measurement"/> from files in <paramref name="folder"/>.</summary>
    public IReadOnlyList<string> MeasureArguments(string folder)
    {
        var args = new List<string>
        {
            "--mode", Mode, "--vcpus", Vcpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--vcpu-type", VcpuType, "--vmm-type", VmmType, "--guest-features", IntegerLiteral.ToHex(GuestFeatures),
            "--ovmf", Path.Combine(folder, Ovmf),
        };
        if (Kernel != null)
            args.AddRange(["--kernel", Path.Combine(folder, Kernel)]);
        if (Initrd != null)
            args.AddRange(["--initrd", Path.Combine(folder, Initrd)]);
        if (!string.IsNullOrEmpty(Cmdline))
            args.Add("--append=" + Cmdline);
        return args;
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
            json.WriteNull(name);
        else
            json.WriteString(name, value);
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(bytes).ToLowerInvariant();
}
