// samples/base through the packed SDK, as a user builds it: a clean build writes every output and its manifest; the
// measurement is reproduced by `ccimage measure` from the output files alone; a second clean build in another folder
// with its own empty stage cache gives byte-identical outputs; a third copy given the first one's cache builds the same
// bytes from the cache alone; editing the config partition's file rebuilds that partition and the measurement but not
// the root filesystem; and the image boots under QEMU (TCG) with every verity partition active, the dynamic partition
// LUKS2-encrypted with a key made in guest memory, swap off, /tmp in memory and an attestation token handed to the
// services without being printed — while one flipped byte in the config
// partition stops the boot. One clean build is shared by the tests; the second clean build and the boots are the
// expensive parts (about a minute each on 2 cores).
using System.Diagnostics;
using System.Text.Json;
using CcImage.Core.Hashing;
using CcImage.Core.Inspection;
using CcImage.Core.Qcow2;
using CcImage.Tests.Sdk;

namespace CcImage.Tests.Samples;

[TestClass]
public class BaseSampleTests
{
    private static readonly string[] ReproducibleOutputs = ["nvcc_image.qcow2", "initrd.img", "manifest.json", "expected-measurement.json"];
    private static readonly Lazy<Built> First = new(() => Build("first", NewCache("first")), LazyThreadSafetyMode.ExecutionAndPublication);

    public TestContext TestContext { get; set; } = null!;

    private sealed record Built(string Project, string Cache, string Log, TimeSpan Elapsed)
    {
        public string Output => Path.Combine(Path.GetDirectoryName(Project)!, "bin", "Debug");
        public string File(string name) => Path.Combine(Output, name);
    }

    [TestMethod]
    public void CleanBuild_WritesEveryOutput_ListedInTheManifest()
    {
        var built = First.Value;
        TestContext.WriteLine($"clean build: {built.Elapsed.TotalSeconds:F0} s");
        using var manifest = JsonDocument.Parse(File.ReadAllText(built.File("manifest.json")));
        var listed = manifest.RootElement.GetProperty("artifacts").EnumerateArray()
            .ToDictionary(a => a.GetProperty("name").GetString()!, a => a.GetProperty("sha256").GetString()!);
        foreach (string name in new[] { "nvcc_image.qcow2", "vmlinuz", "initrd.img", "OVMF.amdsev.fd", "expected-measurement.json" })
            Assert.AreEqual(FileHash.Sha256Hex(built.File(name)), listed[name], name);
        QemuImg.AssertCheckClean(built.File("nvcc_image.qcow2"));
        StringAssert.Contains(built.Log, "Image tests of nvcc_image.qcow2");
    }

    [TestMethod]
    public void Measurement_IsReproducedByCcimageMeasureFromTheOutputFiles()
    {
        var built = First.Value;
        using var json = JsonDocument.Parse(File.ReadAllText(built.File("expected-measurement.json")));
        var m = json.RootElement;
        string Get(string name) => m.GetProperty(name).GetString()!;
        var cli = CcImageCli.Run("measure", "--mode", Get("mode"), "--vcpus", m.GetProperty("vcpus").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--vcpu-type", Get("vcpu_type"), "--vmm-type", Get("vmm_type"), "--guest-features", Get("guest_features"),
            "--ovmf", built.File(Get("ovmf")), "--kernel", built.File(Get("kernel")), "--initrd", built.File(Get("initrd")),
            "--append=" + Get("cmdline")).AssertSuccess("ccimage measure");
        Assert.AreEqual(Get("measurement"), cli.StandardOutput.Trim());
        foreach (string part in new[] { "ccimage.verity.root=", "ccimage.verity.config=" })
            StringAssert.Contains(Get("cmdline"), part);
    }

    [TestMethod]
    public void SecondCleanBuild_OtherFolderAndEmptyCache_GivesIdenticalBytes()
    {
        var first = First.Value;
        var second = Build("second", NewCache("second"));
        foreach (string name in ReproducibleOutputs)
            Assert.AreEqual(FileHash.Sha256Hex(first.File(name)), FileHash.Sha256Hex(second.File(name)), name);
    }

    [TestMethod]
    public void RestoredCache_BuildsTheSameBytesWithoutBuildingAnything()
    {
        var first = First.Value;
        var third = Build("third", first.Cache);
        TestContext.WriteLine($"from the cache: {third.Elapsed.TotalSeconds:F0} s (clean: {first.Elapsed.TotalSeconds:F0} s)");
        foreach (string name in ReproducibleOutputs)
            Assert.AreEqual(FileHash.Sha256Hex(first.File(name)), FileHash.Sha256Hex(third.File(name)), name);
        Assert.DoesNotContain("Building the root filesystem", third.Log);
        Assert.DoesNotContain("Building partition", third.Log);
        Assert.DoesNotContain("Building the initramfs", third.Log);
    }

    [TestMethod]
    public void ConfigFileChanged_RebuildsConfigPartitionAndMeasurement_NotTheRootFilesystem()
    {
        var first = First.Value;
        var copy = Build("edit", first.Cache);
        string measurement = File.ReadAllText(copy.File("expected-measurement.json"));
        File.AppendAllText(Path.Combine(Path.GetDirectoryName(copy.Project)!, "config", "site.conf"), "edited=yes\n");
        var timer = Stopwatch.StartNew();
        string log = SdkFixture.Dotnet("build", copy.Project, $"-p:CcCacheDirectory={copy.Cache}").AssertSuccess("rebuild").Output;
        TestContext.WriteLine($"rebuild after the edit: {timer.Elapsed.TotalSeconds:F0} s");
        StringAssert.Contains(log, "Building partition 'config'");
        Assert.DoesNotContain("Building partition 'root'", log);
        Assert.DoesNotContain("Building the root filesystem", log);
        Assert.AreNotEqual(measurement, File.ReadAllText(copy.File("expected-measurement.json")));
    }

    [TestMethod]
    public void Boot_UnderQemu_EveryProtectionActive()
    {
        var built = First.Value;
        string work = TestPaths.NewTempDir("base-boot");
        string token = "fixture-attestation-token-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(Path.Combine(work, "token"), token);
        using var vm = QemuVm.Start(Options(built, built.File("nvcc_image.qcow2")) with
        {
            FwCfgFiles = new Dictionary<string, string> { ["opt/ccimage/attestation-token"] = Path.Combine(work, "token") },
        }, work);
        string? last = vm.WaitForAny(["ccimage: system ready", "ccimage: boot stopped"], TimeSpan.FromMinutes(4));
        TestContext.WriteLine($"boot: {vm.Started.Elapsed.TotalSeconds:F0} s\n{vm.Timeline}");
        Assert.AreEqual("ccimage: system ready", last, vm.Console);
        foreach (string line in new[]
                 {
                     "ccimage: root verity ok", "ccimage: config verity ok", "ccimage: dynamic luks ephemeral ok",
                     "ccimage: attestation token handed over", "ccimage: handing over to /sbin/init", "ccimage: swap off",
                     "ccimage: /tmp on tmpfs",
                 })
            StringAssert.Contains(vm.Console, line);
        Assert.DoesNotContain(token, vm.Console, "the token is never printed");
    }

    [TestMethod]
    public void Boot_OneByteFlippedInConfig_StopsTheBoot()
    {
        var built = First.Value;
        string work = TestPaths.NewTempDir("base-tamper");
        string image = Path.Combine(work, "tampered.qcow2");
        File.Copy(built.File("nvcc_image.qcow2"), image);
        long offset;
        using (var reader = new DiskImageReader(image))
        {
            // The ext4 superblock of the config partition: read by the init's check and by the mount.
            offset = reader.Find("config")!.StartingLBA * reader.Gpt.SectorSize + 1024 + 100;
        }
        using (var qcow2 = Qcow2Image.Open(image, writable: true))
        {
            byte[] one = new byte[1];
            qcow2.ReadAt(offset, one);
            one[0] ^= 0xFF;
            qcow2.WriteAt(offset, one);
        }
        using var vm = QemuVm.Start(Options(built, image), work);
        string? last = vm.WaitForAny(["ccimage: system ready", "ccimage: boot stopped"], TimeSpan.FromMinutes(4));
        TestContext.WriteLine($"tampered boot: {vm.Started.Elapsed.TotalSeconds:F0} s\n{vm.Timeline}");
        Assert.AreEqual("ccimage: boot stopped", last, vm.Console);
        StringAssert.Contains(vm.Console, "ccimage: config verity FAILED");
        Assert.IsTrue(vm.WaitForExit(TimeSpan.FromMinutes(1)), "the VM powers off after a stopped boot");
    }

    private static QemuVm.Options Options(Built built, string disk)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(built.File("expected-measurement.json")));
        return new QemuVm.Options(built.File("vmlinuz"), built.File("initrd.img"), json.RootElement.GetProperty("cmdline").GetString()!, disk);
    }

    private static string NewCache(string name) => TestPaths.NewTempDir("base-cache-" + name);

    /// <summary>A copy of samples/base (project and its files, never its outputs) built through the packed SDK.</summary>
    private static Built Build(string name, string cache)
    {
        string sample = Path.Combine(TestPaths.RepoRoot, "samples", "base");
        string project = SdkFixture.CreateProject("base-" + name, File.ReadAllText(Path.Combine(sample, "base.ccproj")));
        string dir = Path.GetDirectoryName(project)!;
        foreach (string file in Directory.GetFiles(Path.Combine(sample, "config")))
        {
            Directory.CreateDirectory(Path.Combine(dir, "config"));
            File.Copy(file, Path.Combine(dir, "config", Path.GetFileName(file)));
        }
        var timer = Stopwatch.StartNew();
        var result = SdkFixture.Dotnet("build", project, $"-p:CcCacheDirectory={cache}").AssertSuccess("dotnet build samples/base");
        return new Built(project, cache, result.Output, timer.Elapsed);
    }
}
