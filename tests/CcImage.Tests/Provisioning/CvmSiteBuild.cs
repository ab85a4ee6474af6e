// One site built by `ccimage build-cvm` through the OnPremPackager harness, once per test run (thread-safe) and shared
// by every test that reads its bundle: NVFlare's client example (re-created) with its startup kit, the fixture
// workload, the ccimage tool behind an executable wrapper as build_image_cmd, CCIMAGE_CVM_DIR and
// CCIMAGE_CVM_PROPERTIES in the environment. The first run in a fresh stage cache builds the root file system
// (mmdebstrap, 1-2 minutes); the site itself takes about half a minute more.
namespace CcImage.Tests.Provisioning;

internal static class CvmSiteBuild
{
    public const string Site = "site-1";

    private static readonly Lazy<Build> BuildLazy = new(BuildOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    internal sealed record Build(string Folder, string CcConfig, string ResultLocation, string Wrapper, OnPremPackagerHarness.Result Result,
        TimeSpan Elapsed, string Extracted);

    public static Build Value => BuildLazy.Value;

    /// <summary>The environment of a build into <paramref name="cvmDirectory"/>.</summary>
    public static Dictionary<string, string> Environment(string cvmDirectory) => new()
    {
        ["CCIMAGE_CVM_DIR"] = cvmDirectory,
        ["CCIMAGE_CVM_PROPERTIES"] = ProvisionFixture.Properties,
    };

    /// <summary>An executable build_image_cmd that runs this build's ccimage.</summary>
    public static string Wrapper(string folder)
    {
        string wrapper = Path.Combine(folder, "tool", "build_cvm_image.sh");
        Directory.CreateDirectory(Path.GetDirectoryName(wrapper)!);
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "ccimage.dll")}' build-cvm \"$@\"\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(wrapper, (UnixFileMode)0x1ED);
        return wrapper;
    }

    private static Build BuildOnce()
    {
        string folder = TestPaths.NewTempDir("build-cvm");
        string resultLocation = Path.Combine(folder, "workspace", "example_project", "prod_00");
        ProvisionFixture.StartupKit(resultLocation, Site);
        string ccConfig = ProvisionFixture.Write(folder, "cc_site-1.yml", ProvisionFixture.CcConfig("client"));
        string wrapper = Wrapper(folder);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = OnPremPackagerHarness.Run(wrapper, ccConfig, resultLocation, Site, Environment(Path.Combine(folder, "cvm")), TimeSpan.FromMinutes(25));
        var elapsed = clock.Elapsed;
        Assert.AreEqual(0, result.ExitCode, result.StandardOutput + result.StandardError);
        string extracted = Path.Combine(folder, "extracted");
        Directory.CreateDirectory(extracted);
        // GNU tar, the reference reader of the bundle.
        ProcessResult.Run("tar", ["-xzf", result.SiteTgz!, "-C", extracted]).AssertSuccess("tar -xzf the bundle");
        return new Build(folder, ccConfig, resultLocation, wrapper, result, elapsed, extracted);
    }
}
