// Incremental builds of a copy of samples/nvflare-client, built once in the run's stage cache: editing requirements.txt
// (the fixture application pinned to its other version) reruns HardenImage and MeasureSnp only — the build log shows
// BuildBaseImage, InstallNvflare and ResizeQcow2 skipped, and the base and stage-2 images keep their bytes; changing
// CcNvflareVersion in the project reruns stages 2 and 3 (NVFlare's tree and the hardened tree are made anew) but
// never the base root filesystem. The test log gives the edit rebuild's time beside the run's clean build of the
// sample (the acceptance asks for at most 30%; measured, not asserted: speed goals belong in bench/).
using CcImage.Core.Hashing;

namespace CcImage.Tests.Nvflare;

[TestClass]
public sealed class NvflareIncrementalBuildTests
{
    private static readonly string[] Images = ["nvcc_image.qcow2", "nvflare_cc_image.qcow2", "nvflare_cc_image_hardened.qcow2"];

    private static readonly Lazy<NvflareSample> Built = new(BuildOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void RequirementsEdited_RerunsHardenImageAndMeasureSnpOnly()
    {
        var copy = Built.Value;
        var before = Hashes(copy);
        string measurement = File.ReadAllText(copy.File("expected-measurement.json"));
        string text = File.ReadAllText(copy.Requirements);
        Assert.Contains($"=={FixtureWheelhouse.AppVersion}\n", text);
        File.WriteAllText(copy.Requirements, text.Replace($"=={FixtureWheelhouse.AppVersion}\n", $"=={FixtureWheelhouse.OtherAppVersion}\n", StringComparison.Ordinal));

        var (result, elapsed) = copy.Build();
        string log = result.AssertSuccess("rebuild after editing requirements.txt").Output;
        var clean = NvflareSample.Client.Elapsed;
        TestContext.WriteLine($"requirements edit: {elapsed.TotalSeconds:F0} s; clean build of the sample in this run: {clean.TotalSeconds:F0} s "
                              + $"({100 * elapsed.TotalSeconds / clean.TotalSeconds:F0}%)");

        foreach (string target in new[] { "BuildBaseImage", "_CcTestBaseImage", "InstallNvflare", "ResizeQcow2", "_CcTestNvflareImage" })
            Assert.IsTrue(Skipped(log, target), $"{target} is skipped\n{log}");
        foreach (string target in new[] { "HardenImage", "_CcTestHardenedImage", "MeasureSnp" })
            Assert.IsTrue(Ran(log, target), $"{target} ran\n{log}");
        StringAssert.Contains(log, "HardenImage: changing a copy of the previous stage's root tree");
        StringAssert.Contains(log, $"Successfully installed {FixtureWheelhouse.AppName}-{FixtureWheelhouse.OtherAppVersion}");
        Assert.DoesNotContain("Building the root filesystem", log);
        Assert.DoesNotContain("InstallNvflare: changing", log);

        var after = Hashes(copy);
        Assert.AreEqual(before["nvcc_image.qcow2"], after["nvcc_image.qcow2"]);
        Assert.AreEqual(before["nvflare_cc_image.qcow2"], after["nvflare_cc_image.qcow2"]);
        Assert.AreNotEqual(before["nvflare_cc_image_hardened.qcow2"], after["nvflare_cc_image_hardened.qcow2"]);
        Assert.AreNotEqual(measurement, File.ReadAllText(copy.File("expected-measurement.json")), "the root hash, so the measurement, changed");
        using var image = new BuiltImage(copy.File("nvflare_cc_image_hardened.qcow2"));
        CollectionAssert.Contains(image.List("root", "/opt/nvflare/venv/lib/python3.11/site-packages").ToList(),
            $"{FixtureWheelhouse.AppModule}-{FixtureWheelhouse.OtherAppVersion}.dist-info");
    }

    [TestMethod]
    public void NvflareVersionChanged_RerunsStages2And3_NotTheBaseRootFilesystem()
    {
        var copy = Built.Value;
        var before = Hashes(copy);
        string project = File.ReadAllText(copy.Project);
        string pin = $"<CcNvflareVersion>{FixtureWheelhouse.NvflareVersion}</CcNvflareVersion>";
        Assert.Contains(pin, project);
        File.WriteAllText(copy.Project, project.Replace(pin, $"<CcNvflareVersion>{FixtureWheelhouse.OtherNvflareVersion}</CcNvflareVersion>", StringComparison.Ordinal));

        var (result, elapsed) = copy.Build();
        string log = result.AssertSuccess("rebuild after changing CcNvflareVersion").Output;
        TestContext.WriteLine($"CcNvflareVersion change: {elapsed.TotalSeconds:F0} s");

        Assert.DoesNotContain("Building the root filesystem", log);
        Assert.IsTrue(Skipped(log, "BuildBaseImage"), $"BuildBaseImage is skipped\n{log}");
        StringAssert.Contains(log, "InstallNvflare: changing a copy of the previous stage's root tree");
        StringAssert.Contains(log, $"Successfully installed nvflare-{FixtureWheelhouse.OtherNvflareVersion}");
        StringAssert.Contains(log, "HardenImage: changing a copy of the previous stage's root tree");
        foreach (string target in new[] { "InstallNvflare", "HardenImage", "MeasureSnp" })
            Assert.IsTrue(Ran(log, target), $"{target} ran\n{log}");

        var after = Hashes(copy);
        Assert.AreEqual(before["nvcc_image.qcow2"], after["nvcc_image.qcow2"], "the base image keeps its bytes");
        Assert.AreNotEqual(before["nvflare_cc_image.qcow2"], after["nvflare_cc_image.qcow2"]);
        Assert.AreNotEqual(before["nvflare_cc_image_hardened.qcow2"], after["nvflare_cc_image_hardened.qcow2"]);
        foreach (string name in new[] { "nvflare_cc_image.qcow2", "nvflare_cc_image_hardened.qcow2" })
        {
            using var image = new BuiltImage(copy.File(name));
            var names = image.List("root", "/opt/nvflare/venv/lib/python3.11/site-packages");
            CollectionAssert.Contains(names.ToList(), $"nvflare-{FixtureWheelhouse.OtherNvflareVersion}.dist-info", name);
            CollectionAssert.DoesNotContain(names.ToList(), $"nvflare-{FixtureWheelhouse.NvflareVersion}.dist-info", name);
        }
        Assert.AreEqual(NvflareSample.ImageSizeBytes, QemuImg.Info(copy.File("nvflare_cc_image.qcow2")).GetProperty("virtual-size").GetInt64(),
            "the rewritten stage-2 image is grown again");
    }

    private static NvflareSample BuildOnce()
    {
        var copy = NvflareSample.Copy("client", "incremental");
        copy.Build().Result.AssertSuccess("dotnet build of the copy for the incremental tests");
        return copy;
    }

    [TestMethod]
    public void Rebuild_NothingChanged_SkipsEveryStage()
    {
        var copy = Built.Value;
        var before = Hashes(copy);
        var (result, elapsed) = copy.Build();
        string log = result.AssertSuccess("rebuild with nothing changed").Output;
        TestContext.WriteLine($"rebuild with nothing changed: {elapsed.TotalSeconds:F0} s");
        foreach (string target in new[]
                 {
                     "BuildBaseImage", "_CcTestBaseImage", "InstallNvflare", "ResizeQcow2", "_CcTestNvflareImage", "HardenImage",
                     "_CcTestHardenedImage", "MeasureSnp", "_CcWriteManifest",
                 })
            Assert.IsTrue(Skipped(log, target), $"{target} is skipped\n{log}");
        CollectionAssert.AreEqual(before, Hashes(copy));
    }

    [ClassCleanup]
    public static void DeleteCopy()
    {
        if (Built.IsValueCreated)
            Built.Value.Delete();
    }

    /// <summary>True when MSBuild skipped <paramref name="target"/> as up to date (-v:n prints the reason).</summary>
    private static bool Skipped(string log, string target) =>
        log.Contains($"Skipping target \"{target}\" because all output files are up-to-date", StringComparison.Ordinal);

    /// <summary>True when MSBuild ran <paramref name="target"/>: its heading is in the log (-v:n) and it was not skipped.</summary>
    private static bool Ran(string log, string target) =>
        log.Split('\n').Any(l => l.TrimEnd('\r').Trim() is var t && (t == target + ":" || t.EndsWith(">" + target + ":", StringComparison.Ordinal)))
        && !Skipped(log, target);

    private static Dictionary<string, string> Hashes(NvflareSample copy) =>
        Images.ToDictionary(n => n, n => FileHash.Sha256Hex(copy.File(n)));
}
