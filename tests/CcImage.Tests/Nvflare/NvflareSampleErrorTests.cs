// What a user gets wrong when building samples/nvflare-client, each through `dotnet build` of a fresh copy in the run's
// stage cache: a clear CCIMG error from the step that meets it, and nothing at the final output path — no hardened
// image, no expected measurement, no manifest, and for errors of InstallNvflare no NVFlare image either. The requirements
// file missing (CCIMG1258), a requirement pip cannot install (CCIMG4303), a requirement that replaces NVFlare with
// another version (CCIMG4304), a CcPythonVersion the distribution does not have (CCIMG1251), a CcNvflareVersion the
// wheelhouse does not have (CCIMG4303), and a wheelhouse whose nvflare satisfies the pin but is not that version
// (2.7.0+local for 2.7.0: CCIMG4304). The base root filesystem and NVFlare's tree come from the cache.
using CcImage.Tests.Sdk;

namespace CcImage.Tests.Nvflare;

[TestClass]
public sealed class NvflareSampleErrorTests
{
    private static readonly string[] HardenedOutputs = ["nvflare_cc_image_hardened.qcow2", "expected-measurement.json", "manifest.json"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void RequirementsFileMissing_FailsWithCCIMG1258_NamingThePath_AndCleanRemovesTheEarlierStagesImages()
    {
        var copy = Copy("no-requirements");
        File.Delete(copy.Requirements);
        string log = Fails(copy, "CCIMG1258", "HardenImage");
        StringAssert.Contains(log, copy.Requirements);
        AssertNothingAt(copy, HardenedOutputs);

        // Clean removes what the stages that ran wrote (their file lists are where Clean reads them).
        SdkFixture.Dotnet("clean", copy.Project, [.. copy.Properties]).AssertSuccess("dotnet clean");
        AssertNothingAt(copy, ["nvcc_image.qcow2", "nvflare_cc_image.qcow2", "vmlinuz", "initrd.img"]);
    }

    [TestMethod]
    public void RequirementPipCannotInstall_FailsWithCCIMG4303_NamingTheSources()
    {
        var copy = Copy("bad-requirement");
        File.AppendAllText(copy.Requirements, "ccimage-fixture-missing==9.9\n");
        string log = Fails(copy, "CCIMG4303", "HardenImage");
        StringAssert.Contains(log, "pip could not install -r requirements.txt from wheelhouse");
        StringAssert.Contains(log, "no index");
        StringAssert.Contains(log, "ccimage-fixture-missing");
        AssertNothingAt(copy, HardenedOutputs);
    }

    [TestMethod]
    public void RequirementReplacingNvflare_FailsWithCCIMG4304()
    {
        var copy = Copy("replaces-nvflare");
        // A local wheel the requirements name by a file: URL (the path is shown to pip inside the tree).
        string wheel = FixtureWheelhouse.WriteNvflare(Path.Combine(copy.Directory, "wheels"), "2.6.0");
        File.AppendAllText(copy.Requirements, new Uri(wheel).AbsoluteUri + "\n");
        string log = Fails(copy, "CCIMG4304", "HardenImage");
        StringAssert.Contains(log, "holds nvflare 2.6.0, not CcNvflareVersion 2.7.0");
        StringAssert.Matches(log, new System.Text.RegularExpressions.Regex("Successfully installed .*nvflare-2\\.6\\.0"), "pip did install the requirement's wheel");
        AssertNothingAt(copy, HardenedOutputs);
    }

    [TestMethod]
    public void PythonVersionNotTheDistributions_FailsWithCCIMG1251_BeforeAnythingIsInstalled()
    {
        var copy = Copy("python312");
        string log = Fails(copy, "CCIMG1251", "InstallNvflare", "-p:CcPythonVersion=3.12");
        StringAssert.Contains(log, "CcPythonVersion is 3.12, but debian bookworm provides Python 3.11");
        Assert.DoesNotContain("pip install", log);
        AssertNothingAt(copy, ["nvflare_cc_image.qcow2", .. HardenedOutputs]);
    }

    [TestMethod]
    public void NvflareVersionNotInTheWheelhouse_FailsWithCCIMG4303()
    {
        var copy = Copy("nvflare-260");
        string log = Fails(copy, "CCIMG4303", "InstallNvflare", "-p:CcNvflareVersion=2.6.0");
        StringAssert.Contains(log, "pip could not install nvflare==2.6.0 from wheelhouse");
        StringAssert.Contains(log, "No matching distribution found for nvflare==2.6.0");
        AssertNothingAt(copy, ["nvflare_cc_image.qcow2", .. HardenedOutputs]);
    }

    [TestMethod]
    public void NvflareInTheWheelhouseIsAnotherVersion_FailsWithCCIMG4304()
    {
        var copy = Copy("nvflare-local");
        // pip takes 2.7.0+cc1 for nvflare==2.7.0 (PEP 440 ignores a local label the pin does not name); the build does not.
        string wheelhouse = Path.Combine(copy.Directory, "wheelhouse");
        FixtureWheelhouse.WriteNvflare(wheelhouse, FixtureWheelhouse.NvflareVersion + "+cc1");
        string log = Fails(copy, "CCIMG4304", "InstallNvflare", $"-p:CcPipFindLinks={wheelhouse}");
        StringAssert.Contains(log, "holds nvflare 2.7.0+cc1, not CcNvflareVersion 2.7.0");
        AssertNothingAt(copy, ["nvflare_cc_image.qcow2", .. HardenedOutputs]);
    }

    [TestCleanup]
    public void DeleteCopy() => _copy?.Delete();

    private NvflareSample? _copy;

    private NvflareSample Copy(string name) => _copy = NvflareSample.Copy("client", name);

    /// <summary>
    /// Builds the copy and asserts it fails with <paramref name="code"/> alone, in <paramref name="step"/>: the stages
    /// before it left their images; returns the log.
    /// </summary>
    private string Fails(NvflareSample copy, string code, string step, params string[] extra)
    {
        var (result, elapsed) = copy.Build(extra);
        TestContext.WriteLine($"failed build: {elapsed.TotalSeconds:F0} s");
        Assert.AreNotEqual(0, result.ExitCode, result.Output);
        var errors = result.Output.Split('\n').Where(l => l.Contains(": error ", StringComparison.Ordinal)).Select(l => l.Trim()).Distinct().ToList();
        Assert.IsNotEmpty(errors, result.Output);
        Assert.IsTrue(errors.All(l => l.Contains($"error {code}: ", StringComparison.Ordinal)), string.Join("\n", errors));
        string previous = step == "HardenImage" ? "nvflare_cc_image.qcow2" : "nvcc_image.qcow2";
        Assert.IsTrue(File.Exists(copy.File(previous)), $"the stage before {step} wrote {previous}\n{result.Output}");
        return result.Output;
    }

    private static void AssertNothingAt(NvflareSample copy, IEnumerable<string> names)
    {
        foreach (string name in names)
            Assert.IsFalse(File.Exists(copy.File(name)), $"{name} exists after a failed build");
        Assert.IsFalse(Directory.EnumerateFiles(copy.Output).Any(f => f.Contains(".tmp", StringComparison.Ordinal)), "no temp file is left");
    }
}
