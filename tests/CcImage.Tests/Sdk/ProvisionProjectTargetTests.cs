// A project that names an NVFlare project.yml (CcProjectFile; samples/provision, copied and pointed at the fixture
// workload with small drives) builds one image per confidential participant, in parallel, each in its own output
// folder with its bundle, each measurement reproduced by `ccimage measure` from the bundle's own files; a second build
// is up to date and rewrites nothing. Cost: packing the SDK (shared), three site images and bundles (2-4 minutes; the
// root file system comes from the provisioning tests' stage cache when they ran first).
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using CcImage.Tests.Provisioning;

namespace CcImage.Tests.Sdk;

[TestClass]
public partial class ProvisionProjectTargetTests
{
    private static readonly string[] Sites = ["server1", "site-1", "site-2"];

    [TestMethod]
    [Timeout(2_400_000, CooperativeCancellation = true)]
    public void Build_ProjectYml_BuildsEveryConfidentialSiteIncrementally()
    {
        string sample = Path.Combine(TestPaths.RepoRoot, "samples", "provision");
        string project = SdkFixture.CreateProject("provision", File.ReadAllText(Path.Combine(sample, "provision.ccproj")));
        string dir = Path.GetDirectoryName(project)!;
        foreach (string file in Directory.GetFiles(sample, "*.yml"))
        {
            string text = File.ReadAllText(file).Replace("/tmp/nvflare-site.tar.gz", ProvisionFixture.WorkloadArchive, StringComparison.Ordinal);
            text = DriveSize().Replace(text, m => m.Groups[1].Value + (m.Groups[1].Value.StartsWith("root", StringComparison.Ordinal) ? "2" : "0.0625"));
            File.WriteAllText(Path.Combine(dir, Path.GetFileName(file)), text);
        }
        string kits = Path.Combine(dir, "workspace", "ccimage_sample_project", "prod_00");
        foreach (string site in Sites)
            ProvisionFixture.StartupKit(kits, site);
        string[] properties = [$"-p:CcCacheDirectory={ProvisionFixture.CacheDirectory}", $"-p:CcSourceDateEpoch={ProvisionFixture.Epoch}", "-p:CcVcpus=2"];

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var first = SdkFixture.Dotnet("build", project, properties).AssertSuccess("dotnet build of the project.yml");
        Console.WriteLine($"first build of three sites: {clock.Elapsed.TotalSeconds:F0} s");
        var stamps = new Dictionary<string, DateTime>();
        foreach (string site in Sites)
        {
            string output = Path.Combine(dir, "bin", "Debug", site);
            string bundle = Directory.GetFiles(output, "cvm_*.tgz").Single();
            stamps[bundle] = File.GetLastWriteTimeUtc(bundle);
            foreach (string name in new[] { "nvcc_image.qcow2", "vmlinuz", "initrd.img", "OVMF.amdsev.fd", "expected-measurement.json", "launch_vm.sh", "README.txt", "manifest.json" })
                Assert.IsTrue(File.Exists(Path.Combine(output, name)), $"{site}: {name}");
            StringAssert.Contains(first.Output, $"provision -> {Path.Combine(dir, "bin", "Debug", site)}/");
            MeasurementIsReproduced(bundle, site);
        }
        Assert.DoesNotContain("warning CCIMG6021", first.Output, "each site got its startup kit from CcStartupKitsDir");

        clock.Restart();
        var second = SdkFixture.Dotnet("build", project, properties).AssertSuccess("second dotnet build");
        Console.WriteLine($"up-to-date build: {clock.Elapsed.TotalSeconds:F0} s");
        Assert.AreEqual(3, Regex.Count(second.Output, "Skipping target \"BuildBaseImage\""), second.Output);
        Assert.AreEqual(3, Regex.Count(second.Output, "Skipping target \"CvmBundle\""), second.Output);
        foreach (var (bundle, stamp) in stamps)
            Assert.AreEqual(stamp, File.GetLastWriteTimeUtc(bundle), bundle);
    }

    private static void MeasurementIsReproduced(string bundle, string site)
    {
        string extracted = TestPaths.NewTempDir("provision-" + site);
        ProcessResult.Run("tar", ["-xzf", bundle, "-C", extracted]).AssertSuccess("tar -xzf " + bundle);
        string folder = Directory.GetDirectories(extracted).Single();
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "expected-measurement.json")));
        var m = json.RootElement;
        StringAssert.Contains(m.GetProperty("cmdline").GetString(), "vm_id=" + Path.GetFileName(folder)["cvm_".Length..]);
        var result = CcImageCli.Run("measure", "--mode", "snp", "--vcpus", "2", "--vcpu-type", m.GetProperty("vcpu_type").GetString()!,
            "--ovmf", Path.Combine(folder, "OVMF.amdsev.fd"), "--kernel", Path.Combine(folder, "vmlinuz"), "--initrd", Path.Combine(folder, "initrd.img"),
            "--append=" + m.GetProperty("cmdline").GetString());
        Assert.AreEqual(0, result.ExitCode, result.Output);
        Assert.AreEqual(m.GetProperty("measurement").GetString(), result.StandardOutput.Trim(), site);
        using var stream = File.OpenRead(Path.Combine(folder, "vmlinuz"));
        Assert.AreEqual(m.GetProperty("kernel_sha256").GetString(), Convert.ToHexStringLower(SHA256.HashData(stream)));
    }

    [GeneratedRegex(@"(?m)^((?:root|applog|user_config|user_data)_drive_size: )\d+")]
    private static partial Regex DriveSize();
}
