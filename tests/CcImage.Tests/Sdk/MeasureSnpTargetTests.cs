// Builds real projects with the MeasureSnp target on Debian's kernel-hashes-capable firmware and a real kernel, and
// checks that expected-measurement.json's own inputs, given to `ccimage measure`, reproduce its measurement.
using System.Globalization;
using System.Text.Json;
using CcImage.Tests.Snp;

namespace CcImage.Tests.Sdk;

[TestClass]
public class MeasureSnpTargetTests
{
    private static string NewProject(string name, string properties)
    {
        string project = SdkFixture.CreateProject(name, $"""
            <Project Sdk="CcImage.Sdk">
              <PropertyGroup>
                {properties}
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllBytes(Path.Combine(Path.GetDirectoryName(project)!, "initrd.img"),
            Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray());
        return project;
    }

    private static string Props(string ovmf, string kernel, string cmdline = "console=ttyS0 root=/dev/vda1", int vcpus = 4) => $"""
        <CcOvmf>{ovmf}</CcOvmf>
        <CcKernel>{kernel}</CcKernel>
        <CcInitrd>initrd.img</CcInitrd>
        <CcKernelCmdline>{cmdline}</CcKernelCmdline>
        <CcVcpus>{vcpus}</CcVcpus>
        <CcVcpuType>EPYC-Milan</CcVcpuType>
        """;

    private static JsonElement ReadMeasurement(string project) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release", "expected-measurement.json"))).RootElement;

    [TestMethod]
    public void MeasureSnp_Alone_WritesMeasurementThatCliReproduces()
    {
        string project = NewProject("measure", Props(DebianTestPackages.AmdSevFirmware, DebianTestPackages.Kernel));
        SdkFixture.Dotnet("build", project, "-t:MeasureSnp").AssertSuccess("MeasureSnp");
        var json = ReadMeasurement(project);
        string dir = Path.GetDirectoryName(project)!;

        Assert.AreEqual("snp", json.GetProperty("mode").GetString());
        Assert.AreEqual(4, json.GetProperty("vcpus").GetInt32());
        Assert.AreEqual("EPYC-Milan", json.GetProperty("vcpu_type").GetString());
        string measurement = json.GetProperty("measurement").GetString()!;
        Assert.AreEqual(96, measurement.Length);
        CollectionAssert.AreEqual(Convert.FromHexString(measurement), Convert.FromBase64String(json.GetProperty("measurement_base64").GetString()!));

        var cli = CcImageCli.RunIn(dir, "measure",
            "--mode", json.GetProperty("mode").GetString()!,
            "--vcpus", json.GetProperty("vcpus").GetInt32().ToString(CultureInfo.InvariantCulture),
            "--vcpu-type", json.GetProperty("vcpu_type").GetString()!,
            "--vmm-type", json.GetProperty("vmm_type").GetString()!,
            "--guest-features", json.GetProperty("guest_features").GetString()!,
            "--ovmf", DebianTestPackages.AmdSevFirmware,
            "--kernel", DebianTestPackages.Kernel,
            "--initrd", Path.Combine(dir, "initrd.img"),
            "--append", json.GetProperty("cmdline").GetString()!);
        Assert.AreEqual(0, cli.ExitCode, cli.StandardError);
        Assert.AreEqual(measurement, cli.StandardOutput.Trim());
    }

    [TestMethod]
    public void MeasureSnp_UpToDate_Skips_And_PropertyChange_Reruns()
    {
        string project = NewProject("measureinc", Props(DebianTestPackages.AmdSevFirmware, DebianTestPackages.Kernel));
        SdkFixture.Dotnet("build", project, "-t:MeasureSnp").AssertSuccess("first");
        string first = ReadMeasurement(project).GetProperty("measurement").GetString()!;

        var again = SdkFixture.Dotnet("build", project, "-t:MeasureSnp").AssertSuccess("second");
        StringAssert.Contains(again.Output, "Skipping target \"MeasureSnp\"");

        SdkFixture.Dotnet("build", project, "-t:MeasureSnp", "-p:CcVcpus=2").AssertSuccess("third");
        var json = ReadMeasurement(project);
        Assert.AreEqual(2, json.GetProperty("vcpus").GetInt32());
        Assert.AreNotEqual(first, json.GetProperty("measurement").GetString());
    }

    [TestMethod]
    public void MeasureSnp_FirmwareWithoutFooterTable_FailsWithCodeAndNoOutput()
    {
        string project = NewProject("measurebad", Props(DebianTestPackages.Bookworm4MVars, DebianTestPackages.Kernel));
        var result = SdkFixture.Dotnet("build", project, "-t:MeasureSnp");
        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CCIMG5");
        Assert.IsFalse(File.Exists(Path.Combine(Path.GetDirectoryName(project)!, "bin", "Release", "expected-measurement.json")));
    }
}
