// The bundle a site gets (CONTRACT.md §2, what NVFlare's OnPremPackager hands out as <site>.tgz): cvm_<id>/ with
// launch_vm.sh, vmlinuz, initrd.img, OVMF.amdsev.fd, the disk image, README.txt, expected-measurement.json (with
// measurement_base64, the form a key-release policy compares), key-release-policy.rego (that comparison as a Trustee
// resource policy) and manifest.json (name, size and SHA-256 of every other file). launch_vm.sh, README.txt and the
// policy are also written into the image's output folder. Reproducible: the same image gives the same .tgz bytes.
using System.Globalization;
using System.Text;
using System.Text.Json;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Hardening;
using CcImage.Core.Hashing;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Provisioning;

public static class CvmBundle
{
    public const string FolderPrefix = "cvm_";
    public const string ReadmeFileName = "README.txt";
    public const string PolicyFileName = "key-release-policy.rego";
    public const string Step = "CvmBundle";

    /// <summary>Writes the bundle of the image <paramref name="record"/> describes into <paramref name="bundleDirectory"/>.</summary>
    /// <param name="siteName">The site's name (README, launch_vm.sh's messages).</param>
    /// <param name="diskName">The disk image's name in the bundle (cvm_image_name.qcow2), or null for its own.</param>
    public static CvmBundleResult Write(ImageProject project, StageRecord record, string siteName, string? diskName,
        string bundleDirectory, ILog log, CancellationToken cancellationToken)
    {
        if (record.Kernel is null || record.Initrd is null || record.Cmdline is null)
            throw Diag.Error(nameof(Strings.CvmImageNotBootable), siteName);
        var settings = project.Settings;
        string output = project.OutputDirectory;
        string measurementFile = Path.Combine(output, MeasureStep.MeasurementFileName);
        using var measurement = JsonDocument.Parse(File.ReadAllBytes(measurementFile));
        var m = measurement.RootElement;
        string Text(string name) => m.GetProperty(name).GetString() ?? "";
        string measurementHex = Text("measurement");
        string id = settings.Optional("CcVmId")
            ?? new CacheManifest("cvm-bundle-id", 1).Add("seed", project.Seed).Add("measurement", measurementHex).Key[..CvmSite.VmIdLength];
        string folder = FolderPrefix + id;
        string disk = diskName ?? Path.GetFileName(record.Image);
        string bundlePath = Path.Combine(Path.GetFullPath(bundleDirectory), folder + ".tgz");
        if (bundlePath.Any(char.IsWhiteSpace))
            throw Diag.Error(nameof(Strings.CvmOutputPathWhitespace), bundlePath);

        var launch = new LaunchOptions
        {
            SiteName = siteName,
            VmId = id,
            Vcpus = m.GetProperty("vcpus").GetInt32(),
            VcpuType = Text("vcpu_type"),
            Kernel = Text("kernel"),
            Initrd = Text("initrd"),
            Firmware = Text("ovmf"),
            FirmwareSha256 = Text("ovmf_sha256"),
            Cmdline = Text("cmdline"),
            Disk = disk,
            SnpPolicy = SnpPolicy(settings["CcSnpPolicy"]),
            DefaultMemory = settings["CcLaunchMemory"],
            InboundPorts = AllowedPort.Forwarded(AllowedPort.From(project)),
            GpuMechanism = settings.Choice("CcGpuMechanism"),
            KeyfilePartitions = record.Partitions.Where(p => p.Protection == "luks-keyfile").Select(p => p.Name).ToList(),
        };
        string script = Path.Combine(output, LaunchScript.FileName);
        OutputFiles.WriteTextIfChanged(script, LaunchScript.Render(launch));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, Boot.BootAssets.ExecutableMode);
        string readme = Path.Combine(output, ReadmeFileName);
        OutputFiles.WriteTextIfChanged(readme, Readme(launch, measurementHex, Text("measurement_base64"), record));
        string policy = Path.Combine(output, PolicyFileName);
        OutputFiles.WriteTextIfChanged(policy, Policy(siteName, id, Text("measurement_base64")));

        var entries = new List<BundleArchive.Entry>
        {
            new(LaunchScript.FileName, script, Executable: true),
            new(launch.Kernel, Path.Combine(output, launch.Kernel)),
            new(launch.Initrd, Path.Combine(output, launch.Initrd)),
            new(launch.Firmware, Path.Combine(output, launch.Firmware)),
            new(disk, record.Image),
            new(ReadmeFileName, readme),
            new(MeasureStep.MeasurementFileName, measurementFile),
            new(PolicyFileName, policy),
        };
        // manifest.json: every other file of the bundle, by its name in the bundle.
        var artifacts = entries.Select(e => new ArtifactManifest.Artifact(e.Name, new FileInfo(e.Source).Length, FileHash.Sha256Hex(e.Source)))
            .OrderBy(a => a.Name, StringComparer.Ordinal).ToList();
        var context = new PipelineContext(project, log, cancellationToken);
        string manifest = Path.Combine(context.WorkDirectory(Step), ArtifactManifest.FileName);
        Directory.CreateDirectory(Path.GetDirectoryName(manifest)!);
        AtomicFile.WriteAllBytes(manifest, ArtifactManifest.ToJson(artifacts));
        entries.Add(new(ArtifactManifest.FileName, manifest));

        Directory.CreateDirectory(Path.GetDirectoryName(bundlePath)!);
        log.Info($"Writing the bundle {bundlePath}...");
        BundleArchive.Write(bundlePath, folder, entries, project.SourceDateEpoch, cancellationToken);
        var outputs = new List<string> { script, readme, policy };
        if (Path.GetDirectoryName(bundlePath) == Path.GetFullPath(output).TrimEnd('/'))
            outputs.Add(bundlePath);
        FileList.Write(context, Step, outputs);
        return new CvmBundleResult(bundlePath, id, measurementHex);
    }

    /// <summary>CcSnpPolicy checked (a hex number with bit 17, which the SEV-SNP ABI requires set) and written as 0x… .</summary>
    public static string SnpPolicy(string text)
    {
        const ulong ReservedMustBeOne = 1UL << 17;
        string digits = text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        if (!ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong policy) || (policy & ReservedMustBeOne) == 0)
            throw Diag.Error(nameof(Strings.SnpPolicyInvalid), text);
        return "0x" + policy.ToString("x", CultureInfo.InvariantCulture);
    }

    private static string Policy(string site, string id, string measurementBase64) =>
        $$"""
        # Key-release (resource) policy for site {{site}}, VM cvm_{{id}}, in the form of a CoCo Trustee KBS resource policy:
        # a key is released only to a VM whose SEV-SNP launch measurement (base64 of the 48 raw bytes) is this one.
        # Load it with: kbs-client ... config --auth-private-key KEY set-resource-policy --policy-file {{PolicyFileName}}
        package policy

        default allow = false

        allow {
            input["submods"]["cpu0"]["ear.veraison.annotated-evidence"]["snp"]["measurement"] == "{{measurementBase64}}"
        }

        """;

    private static string Readme(LaunchOptions launch, string measurementHex, string measurementBase64, StageRecord record)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            Confidential VM of NVFlare site {launch.SiteName} (cvm_{launch.VmId}), built by ccimage.

            Launch it on an AMD SEV-SNP host (EPYC 7003 or newer, SEV-SNP enabled in the BIOS and kvm_amd, QEMU 9.1 or newer):

                ./launch_vm.sh                  checks the host first, then starts the VM (console on this terminal)
                ./launch_vm.sh --help           every option (--memory, --key, --gpu, --qemu, --no-sev, --dry-run)
                ccimage host-check              the same host check, alone

            The VM boots this kernel, initramfs and command line under SEV-SNP with kernel-hashes=on; its launch
            measurement is

                {measurementHex}
                (base64: {measurementBase64})

            expected-measurement.json holds it with every input it was computed from; `ccimage measure` (or
            sev-snp-measure) given those inputs prints it again. key-release-policy.rego releases a key only to a VM with
            this measurement. manifest.json lists the SHA-256 of every file here.

            Files:
              launch_vm.sh                 the launch script ({launch.Vcpus} vCPUs {launch.VcpuType}, {launch.DefaultMemory} memory by default)
              {launch.Kernel,-28} the kernel
              {launch.Initrd,-28} the initramfs: ccimage's init checks every dm-verity partition, sets up the encrypted ones
              {launch.Firmware,-28} the measured firmware (OVMF AmdSev build with kernel hashes)
              {launch.Disk,-28} the disk (qcow2, GPT)
              expected-measurement.json, key-release-policy.rego, manifest.json, README.txt

            Partitions of the disk:

            """);
        foreach (var p in record.Partitions)
            text.Append(CultureInfo.InvariantCulture, $"  {p.Name,-12} {p.Protection,-15} {p.MountPoint ?? "-"}\n");
        text.Append(CultureInfo.InvariantCulture, $"""

            The VM runs one workload: the site's container image from the verity-protected workload partition, started by
            podman with /user_config/nvflare/startup/sub_start.sh; NVFlare's workspace is on the encrypted /vault, its logs on
            /applog. There is no login and no other way in. Inbound ports forwarded by launch_vm.sh: {(launch.InboundPorts.Count == 0 ? "none" : string.Join(", ", launch.InboundPorts))}.

            """);
        return text.ToString();
    }
}
