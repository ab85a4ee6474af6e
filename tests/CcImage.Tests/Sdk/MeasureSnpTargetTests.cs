// Builds real projects with the MeasureSnp target on Debian's kernel-hashes-capable firmware (pinned build) and
// synthetic kernel and initrd files, and compares expected-measurement.json with digests recorded from the reference
// tool, virtee/sev-snp-measure 0.0.13, for exactly these inputs (not with our own CLI, which runs the same code).
using System.Security.Cryptography;
using System.Text.Json;
using CcImage.Tests.Snp;

namespace CcImage.Tests.Sdk;

[TestClass]
public class MeasureSnpTargetTests
{
    private const string Cmdline = "console=ttyS0 root=/dev/vda1";

    /// <summary>sev-snp-measure 0.0.13 --mode snp --vcpu-type EPYC-Milan --vmm-type QEMU --guest-features 0x1 --ovmf
    /// OVMF.amdsev.fd (DebianTestPackages' pin) --kernel/--initrd as written by <see cref="NewProject"/> --append
    /// <see cref="Cmdline"/>, by vCPU count.</summary>
    private static readonly Dictionary<int, string> ReferenceDigests = new()
    {
        [4] = "f42a722b7e81633e2b0d3648f3a4071da3e0f8b2ef1a36f46a0e721f9176f9614d4c864272eca9dee4f665f56656f7d8",
        [2] = "ca86003ec77818cf246af3b480c186fea2d5e1ec2501d52937116ba4be4df40f8e3388c5d35f570beb4ff078c65d6774",
    };

    private static string NewProject(string name, string properties)
    {
        string project = SdkFixture.CreateProject(name, $"""
            <Project Sdk="CcImage.Sdk">
              <PropertyGroup>
                {properties}
              </PropertyGroup>
            </Project>
            """);
        string dir = Path.GetDirectoryName(project)!;
        File.WriteAllBytes(Path.Combine(dir, "vmlinuz"), Enumerable.Range(0, 1_000_000).Select(i => (byte)(i * 13 + 5)).ToArray());
        File.WriteAllBytes(Path.Combine(dir, "initrd.img"), Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray());
        return project;
    }

    private static string Props(string ovmf, int vcpus = 4) => $"""
        <CcOvmf>{ovmf}</CcOvmf>
        <CcKernel>vmlinuz</CcKernel>
        <CcInitrd>initrd.img</CcInitrd>
        <CcKernelCmdline>{Cmdline}</CcKernelCmdline>
        <CcVcpus>{vcpus}</CcVcpus>
        <CcVcpuType>EPYC-Milan</CcVcpuType>
        """;

    private static string MeasurementFile(string project) =>
        Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug", "expected-measurement.json");

    private static JsonElement ReadMeasurement(string project) =>
        JsonDocument.Parse(File.ReadAllText(MeasurementFile(project))).RootElement;

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [TestMethod]
    public void MeasureSnp_Alone_WritesTheReferenceToolsMeasurementAndItsInputs()
    {
        string project = NewProject("measure", Props(DebianTestPackages.AmdSevFirmware));
        SdkFixture.Dotnet("build", project, "-t:MeasureSnp").AssertSuccess("MeasureSnp");
        var json = ReadMeasurement(project);
        string dir = Path.GetDirectoryName(project)!;

        Assert.AreEqual(ReferenceDigests[4], json.GetProperty("measurement").GetString());
        CollectionAssert.AreEqual(Convert.FromHexString(ReferenceDigests[4]), Convert.FromBase64String(json.GetProperty("measurement_base64").GetString()!));
        Assert.AreEqual("snp", json.GetProperty("mode").GetString());
        Assert.AreEqual(4, json.GetProperty("vcpus").GetInt32());
        Assert.AreEqual("EPYC-Milan", json.GetProperty("vcpu_type").GetString());
        Assert.AreEqual("QEMU", json.GetProperty("vmm_type").GetString());
        Assert.AreEqual(Cmdline, json.GetProperty("cmdline").GetString());
        Assert.AreEqual(DebianTestPackages.AmdSevSha256, json.GetProperty("ovmf_sha256").GetString());
        Assert.AreEqual(Sha256(Path.Combine(dir, "vmlinuz")), json.GetProperty("kernel_sha256").GetString());
        Assert.AreEqual(Sha256(Path.Combine(dir, "initrd.img")), json.GetProperty("initrd_sha256").GetString());
    }

    [TestMethod]
    public void MeasureSnp_UpToDate_Skips_And_PropertyChange_Reruns()
    {
        string project = NewProject("measureinc", Props(DebianTestPackages.AmdSevFirmware));
        SdkFixture.Dotnet("build", project, "-t:MeasureSnp").AssertSuccess("first");
        Assert.AreEqual(ReferenceDigests[4], ReadMeasurement(project).GetProperty("measurement").GetString());

        var again = SdkFixture.Dotnet("build", project, "-t:MeasureSnp").AssertSuccess("second");
        StringAssert.Contains(again.Output, "Skipping target \"MeasureSnp\"");

        SdkFixture.Dotnet("build", project, "-t:MeasureSnp", "-p:CcVcpus=2").AssertSuccess("third");
        var json = ReadMeasurement(project);
        Assert.AreEqual(2, json.GetProperty("vcpus").GetInt32());
        Assert.AreEqual(ReferenceDigests[2], json.GetProperty("measurement").GetString());
    }

    [TestMethod]
    public void MeasureSnp_FirmwareThatCannotMeasureAKernel_FailsAtTheKernelsLineAndWritesNothing()
    {
        string project = NewProject("measurebad", Props(DebianTestPackages.Bookworm4MVars));
        var result = SdkFixture.Dotnet("build", project, "-t:MeasureSnp");
        Assert.AreNotEqual(0, result.ExitCode);
        int kernelLine = Array.FindIndex(File.ReadAllLines(project), l => l.Contains("<CcKernel>", StringComparison.Ordinal)) + 1;
        StringAssert.Contains(result.Output, $"{project}({kernelLine}): error CCIMG5008: ");
        Assert.IsFalse(File.Exists(MeasurementFile(project)));
    }
}
