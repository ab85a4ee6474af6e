// `ccimage build-cvm` called exactly as NVFlare's OnPremPackager calls it (OnPremPackagerHarness), on one shared site
// build (CvmSiteBuild): the stdout contract, the bundle's files (read back with GNU tar, qemu-img, debugfs and
// veritysetup), its measurement reproduced by `ccimage measure` from the bundle's own files, a rebuild in another folder
// giving the same bytes, broken cc_configs failing with their line and no bundle, the SEV command line of launch_vm.sh
// matching the measurement, and one boot of the bundle with `launch_vm.sh --tcg` that runs the workload.
// Cost: the shared build (1-3 minutes with a fresh stage cache), a rebuild (about 30 s), one emulated boot (2-3 minutes).
using System.Security.Cryptography;
using System.Text.Json;
using CcImage.Core.Inspection;

namespace CcImage.Tests.Provisioning;

[TestClass]
public class BuildCvmTests
{
    private static CvmSiteBuild.Build Site => CvmSiteBuild.Value;

    private static string BundleFolder => Directory.GetDirectories(Site.Extracted).Single();

    private static JsonElement Measurement() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(BundleFolder, "expected-measurement.json"))).RootElement;

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    [TestMethod]
    public void BuildCvm_AsOnPremPackagerCallsIt_PrintsAnExistingBundleWithoutWhitespace()
    {
        var r = Site.Result;
        Assert.AreEqual(0, r.ExitCode, r.StandardError);
        Assert.AreEqual($"CVM Bundle {r.BundlePath} is ready", r.StandardOutput.Trim());
        Assert.IsNotNull(r.BundlePath);
        Assert.IsFalse(r.BundlePath.Any(char.IsWhiteSpace));
        Assert.IsTrue(File.Exists(r.BundlePath), r.BundlePath);
        StringAssert.EndsWith(r.BundlePath, ".tgz");
        Assert.IsFalse(File.Exists(r.TempYaml), "the harness deletes the YAML");
        Assert.IsTrue(File.Exists(Path.Combine(Site.ResultLocation, CvmSiteBuild.Site, CvmSiteBuild.Site + ".tgz")));
        // NVFlare reads stdout and stderr a line each in turn: stderr must stay well inside one pipe buffer (64 KiB).
        Assert.IsLessThan(32 * 1024, r.StandardError.Length);
        Console.WriteLine($"build-cvm of {CvmSiteBuild.Site}: {Site.Elapsed.TotalSeconds:F0} s\n{r.StandardError}");
    }

    [TestMethod]
    public void Bundle_HoldsTheContractFilesInCvmIdFolder()
    {
        string folder = Path.GetFileName(BundleFolder);
        StringAssert.StartsWith(folder, "cvm_");
        string id = folder["cvm_".Length..];
        StringAssert.Contains(Measurement().GetProperty("cmdline").GetString(), "vm_id=" + id);
        StringAssert.Contains(Path.GetFileName(Site.Result.BundlePath), folder);
        string[] names = ["launch_vm.sh", "vmlinuz", "initrd.img", "OVMF.amdsev.fd", "nvcc_image.qcow2", "README.txt",
            "expected-measurement.json", "manifest.json", "key-release-policy.rego"];
        Assert.AreEqual(string.Join(",", names.Order(StringComparer.Ordinal)),
            string.Join(",", Directory.GetFiles(BundleFolder).Select(Path.GetFileName).Order(StringComparer.Ordinal)));
        if (!OperatingSystem.IsWindows())
            Assert.AreNotEqual(UnixFileMode.None, File.GetUnixFileMode(Path.Combine(BundleFolder, "launch_vm.sh")) & UnixFileMode.UserExecute);
        var listing = ProcessResult.Run("tar", ["-tzvf", Site.Result.SiteTgz!]).AssertSuccess("tar -tzvf");
        foreach (string line in listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            StringAssert.Contains(line, "root/root", line);

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(BundleFolder, "manifest.json")));
        var artifacts = manifest.RootElement.GetProperty("artifacts").EnumerateArray().ToList();
        Assert.HasCount(names.Length - 1, artifacts);
        foreach (var a in artifacts)
        {
            string file = Path.Combine(BundleFolder, a.GetProperty("name").GetString()!);
            Assert.AreEqual(new FileInfo(file).Length, a.GetProperty("size").GetInt64());
            Assert.AreEqual(Sha256(file), a.GetProperty("sha256").GetString(), file);
        }
        QemuImg.AssertCheckClean(Path.Combine(BundleFolder, "nvcc_image.qcow2"));
        StringAssert.Contains(File.ReadAllText(Path.Combine(BundleFolder, "README.txt")), Measurement().GetProperty("measurement").GetString());
    }

    [TestMethod]
    public void Bundle_Measurement_IsReproducedByCcimageMeasureFromItsOwnFiles()
    {
        var m = Measurement();
        var result = CcImageCli.Run("measure", "--mode", m.GetProperty("mode").GetString()!, "--vcpus", m.GetProperty("vcpus").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--vcpu-type", m.GetProperty("vcpu_type").GetString()!, "--vmm-type", m.GetProperty("vmm_type").GetString()!,
            "--guest-features", m.GetProperty("guest_features").GetString()!, "--ovmf", Path.Combine(BundleFolder, "OVMF.amdsev.fd"),
            "--kernel", Path.Combine(BundleFolder, "vmlinuz"), "--initrd", Path.Combine(BundleFolder, "initrd.img"),
            "--append=" + m.GetProperty("cmdline").GetString());
        Assert.AreEqual(0, result.ExitCode, result.Output);
        Assert.AreEqual(m.GetProperty("measurement").GetString(), result.StandardOutput.Trim());
        byte[] raw = Convert.FromBase64String(m.GetProperty("measurement_base64").GetString()!);
        Assert.HasCount(48, raw);
        Assert.AreEqual(m.GetProperty("measurement").GetString(), Convert.ToHexStringLower(raw));
        StringAssert.Contains(File.ReadAllText(Path.Combine(BundleFolder, "key-release-policy.rego")), m.GetProperty("measurement_base64").GetString());
        Assert.AreEqual(Sha256(Path.Combine(BundleFolder, "vmlinuz")), m.GetProperty("kernel_sha256").GetString());
    }

    [TestMethod]
    public void BuildCvm_InAnotherFolder_WritesTheSameBytes()
    {
        string other = TestPaths.NewTempDir("build-cvm-again");
        string resultLocation = Path.Combine(other, "prod_00");
        // The same startup kit content, elsewhere: the bundle depends on what is in it, not where it was.
        ProvisionFixture.StartupKit(resultLocation, CvmSiteBuild.Site);
        var again = OnPremPackagerHarness.Run(CvmSiteBuild.Wrapper(other), Site.CcConfig, resultLocation, CvmSiteBuild.Site,
            CvmSiteBuild.Environment(Path.Combine(other, "cvm")), TimeSpan.FromMinutes(15));
        Assert.AreEqual(0, again.ExitCode, again.StandardError);
        Assert.AreEqual(Path.GetFileName(Site.Result.BundlePath), Path.GetFileName(again.BundlePath));
        Assert.AreEqual(Sha256(Site.Result.BundlePath!), Sha256(again.BundlePath!));
    }

    [TestMethod]
    [DataRow("allowed_out_ports: [443, 8002, 8999]", "allowed_out_ports: [443, 99999]", "CCIMG6006", DisplayName = "bad port")]
    [DataRow("compute_env: onprem_cvm", "compute_env: on_prem", "CCIMG6005", DisplayName = "unknown compute_env")]
    [DataRow("root_drive_size: 2", "root_drive_size: \"2\"", "CCIMG6004", DisplayName = "wrong type")]
    [DataRow("compute_env: onprem_cvm", "", "CCIMG6003", DisplayName = "missing compute_env")]
    public void BuildCvm_BrokenCcConfig_FailsWithItsLineAndNoBundle(string find, string replace, string code)
    {
        string folder = TestPaths.NewTempDir("build-cvm-broken");
        string resultLocation = Path.Combine(folder, "prod_00");
        ProvisionFixture.StartupKit(resultLocation, "site-broken");
        string text = ProvisionFixture.CcConfig("client").Replace(find, replace, StringComparison.Ordinal);
        string config = ProvisionFixture.Write(folder, "cc_site-broken.yml", text);
        string cvm = Path.Combine(folder, "cvm");
        var r = OnPremPackagerHarness.Run(CvmSiteBuild.Wrapper(folder), config, resultLocation, "site-broken",
            CvmSiteBuild.Environment(cvm), TimeSpan.FromMinutes(5));
        Assert.AreNotEqual(0, r.ExitCode);
        Assert.IsNull(r.BundlePath);
        Assert.AreEqual("", r.StandardOutput.Trim());
        StringAssert.StartsWith(r.StandardError.Trim(), "ccimage: " + code + ":");
        StringAssert.Matches(r.StandardError, new System.Text.RegularExpressions.Regex(@"\.yaml, line \d+: "));
        Assert.IsFalse(Directory.Exists(Path.Combine(cvm, "bundles")) && Directory.EnumerateFiles(Path.Combine(cvm, "bundles"), "*.tgz", SearchOption.AllDirectories).Any());
    }

    [TestMethod]
    public void Bundle_Disk_HoldsTheSiteFilesTheWorkloadAndTheStartupKit()
    {
        string work = TestPaths.NewTempDir("bundle-disk");
        using var disk = new DiskImageReader(Path.Combine(BundleFolder, "nvcc_image.qcow2"));
        string Extract(string name)
        {
            string path = Path.Combine(work, name + ".img");
            disk.Extract(disk.Find(name) ?? throw new AssertFailedException("no partition " + name), path);
            return path;
        }
        string Cat(string image, string path) =>
            ProcessResult.Run("debugfs", ["-R", "cat " + path, image]).AssertSuccess("debugfs cat " + path).StandardOutput;

        string root = Extract("root");
        StringAssert.Contains(Cat(root, "/etc/hosts"), "10.0.2.2\tserver1");
        using (var attestation = JsonDocument.Parse(Cat(root, "/etc/ccimage/attestation.json")))
        {
            Assert.AreEqual("snp_authorizer", attestation.RootElement.GetProperty("cc_issuers")[0].GetProperty("id").GetString());
            Assert.AreEqual(120, attestation.RootElement.GetProperty("cc_attestation").GetProperty("check_frequency").GetInt32());
        }
        string env = Cat(root, "/etc/ccimage/workload.env");
        StringAssert.Contains(env, "CCIMAGE_WORKLOAD_IMAGE=" + ProvisionFixture.WorkloadImageId);
        StringAssert.Contains(env, "CCIMAGE_WORKLOAD_ENTRYPOINT=/user_config/nvflare/startup/sub_start.sh");
        StringAssert.Contains(Cat(root, "/usr/lib/systemd/system/ccimage-workload.service"), "ExecStart=/usr/lib/ccimage/workload-start");
        string links = ProcessResult.Run("debugfs", ["-R", "stat /etc/systemd/system/podman.socket", root]).Output;
        StringAssert.Contains(links, "Fast link dest: \"/dev/null\"");
        StringAssert.Contains(ProcessResult.Run("debugfs", ["-R", "stat /etc/systemd/system/multi-user.target.wants/ccimage-workload.service", root]).Output,
            "/usr/lib/systemd/system/ccimage-workload.service");
        StringAssert.Contains(Cat(root, "/etc/containers/storage.conf"), "graphroot = \"/vault/containers/storage\"");
        StringAssert.Contains(ProcessResult.Run("debugfs", ["-R", "ls -l /usr/bin", root]).Output, " podman");

        // The workload archive and the startup kit are on verity partitions whose root hashes are on the measured command line.
        string cmdline = Measurement().GetProperty("cmdline").GetString()!;
        foreach (var (name, path, expected) in new[]
                 {
                     ("workload", "/image.tar.gz", Sha256(ProvisionFixture.WorkloadArchive)),
                     ("user_config", "/nvflare/startup/sub_start.sh", ""),
                 })
        {
            string data = Extract(name);
            string hash = Extract(name + "-verity");
            string rootHash = cmdline.Split(' ').Single(a => a.StartsWith($"ccimage.verity.{name}=", StringComparison.Ordinal)).Split('=')[1];
            ProcessResult.Run("veritysetup", ["verify", data, hash, rootHash]).AssertSuccess("veritysetup verify " + name);
            string copy = Path.Combine(work, name + ".file");
            ProcessResult.Run("debugfs", ["-R", $"dump {path} {copy}", data]).AssertSuccess("debugfs dump " + path);
            if (name == "workload")
                Assert.AreEqual(expected, Sha256(copy));
            else
                StringAssert.Contains(File.ReadAllText(copy), ProvisionFixture.WorkloadMarker);
        }
    }

    [TestMethod]
    public void LaunchVm_DryRun_RunsExactlyWhatWasMeasured()
    {
        var host = new FakeHost("bundle");
        var m = Measurement();
        var result = ProcessResult.Run(Path.Combine(BundleFolder, "launch_vm.sh"), ["--dry-run"],
            environment: new Dictionary<string, string> { ["CCIMAGE_HOST_ROOT"] = host.Root, ["QEMU"] = host.Qemu });
        Assert.AreEqual(0, result.ExitCode, result.Output);
        var args = result.StandardOutput.TrimEnd('\n').Split('\n').ToList();
        string After(string option) => args[args.IndexOf(option) + 1];
        Assert.AreEqual(m.GetProperty("cmdline").GetString(), After("-append"));
        Assert.AreEqual(m.GetProperty("kernel_sha256").GetString(), Sha256(After("-kernel")));
        Assert.AreEqual(m.GetProperty("initrd_sha256").GetString(), Sha256(After("-initrd")));
        Assert.AreEqual(m.GetProperty("ovmf_sha256").GetString(), Sha256(After("-bios")));
        Assert.AreEqual(m.GetProperty("vcpus").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture), After("-smp"));
        Assert.AreEqual(m.GetProperty("vcpu_type").GetString(), After("-cpu"));
        StringAssert.StartsWith(After("-machine"), "q35,confidential-guest-support=sev0,vmport=off");
        StringAssert.Contains(args[args.LastIndexOf("-object") + 1], "cbitpos=51,reduced-phys-bits=1,policy=0x30000,kernel-hashes=on");
        StringAssert.Contains(After("-object"), "memory-backend-memfd,id=ram1,size=1536M");
    }

    [TestMethod]
    [Timeout(600_000, CooperativeCancellation = true)]
    public void LaunchVm_WithoutSev_BootsTheBundleAndStartsTheWorkload()
    {
        string console = Path.Combine(TestPaths.NewTempDir("launch-boot"), "console.log");
        var psi = new System.Diagnostics.ProcessStartInfo(Path.Combine(BundleFolder, "launch_vm.sh"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "--tcg", "--serial", console })
            psi.ArgumentList.Add(a);
        using var process = System.Diagnostics.Process.Start(psi)!;
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string text = "";
        try
        {
            string[] wanted = ["ccimage: system ready", ProvisionFixture.WorkloadMarker + " for site-1 --verify"];
            while (clock.Elapsed < TimeSpan.FromMinutes(8) && !process.HasExited)
            {
                text = File.Exists(console) ? ReadShared(console) : "";
                if (wanted.All(w => text.Contains(w, StringComparison.Ordinal)) || text.Contains("boot stopped", StringComparison.Ordinal))
                    break;
                Thread.Sleep(1000);
            }
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            process.WaitForExit();
        }
        Console.WriteLine($"launch_vm.sh --tcg: {clock.Elapsed.TotalSeconds:F0} s\n{output.Result}{errors.Result}");
        StringAssert.Contains(output.Result, "ccimage host-check: the host is ready");
        foreach (string line in new[] { "ccimage: root verity ok", "ccimage: workload verity ok", "ccimage: user_config verity ok",
                     "ccimage: vault luks ephemeral ok", "ccimage: system ready", "ccimage: workload loaded " + ProvisionFixture.WorkloadImageId,
                     ProvisionFixture.WorkloadMarker + " for site-1 --verify" })
            StringAssert.Contains(text, line, text);
        Assert.DoesNotContain("workload FAILED", text);
    }

    private static string ReadShared(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return new StreamReader(stream).ReadToEnd();
    }
}
