// The local wheelhouse the NVFlare sample tests install from (CcPipFindLinks with CcPipIndexUrl empty: pip runs with
// --no-index, so the real pip resolution path runs against these files only): a fixture `nvflare` wheel of the samples'
// CcNvflareVersion and of the version the incremental test switches to, and a small application package,
// `ccimage-fixture-app`, in two versions (the site's requirements pin one; the incremental test pins the other). Each
// package's __init__ names its version, so the image can report what it imports. Made once per test run; its bytes
// never change, so the stage cache keys that hash it stay the same.
namespace CcImage.Tests.Nvflare;

internal static class FixtureWheelhouse
{
    /// <summary>CcNvflareVersion of samples/nvflare-client and samples/nvflare-server.</summary>
    public const string NvflareVersion = "2.7.0";

    /// <summary>The other NVFlare version in the wheelhouse (the incremental test switches to it).</summary>
    public const string OtherNvflareVersion = "2.7.1";

    public const string AppName = "ccimage-fixture-app";
    public const string AppModule = "ccimage_fixture_app";
    public const string AppVersion = "1.0.0";
    public const string OtherAppVersion = "1.1.0";

    private static readonly Lazy<string> FolderLazy = new(() => Write(TestPaths.NewTempDir("wheelhouse")),
        LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The wheelhouse folder.</summary>
    public static string Folder => FolderLazy.Value;

    /// <summary>Writes the wheelhouse into <paramref name="folder"/> and returns it.</summary>
    public static string Write(string folder)
    {
        foreach (string version in new[] { NvflareVersion, OtherNvflareVersion })
            WriteNvflare(folder, version);
        foreach (string version in new[] { AppVersion, OtherAppVersion })
            FixtureWheel.Write(folder, AppName, version, new Dictionary<string, string>
            {
                [$"{AppModule}/__init__.py"] = $"# Fixture application package of the CcImage tests.\nVERSION = \"{version}\"\n",
            }, requires: ["nvflare"]);
        return folder;
    }

    /// <summary>A fixture `nvflare` wheel: the package with its __version__ (and nothing of NVFlare's code).</summary>
    public static string WriteNvflare(string folder, string version, string? metadataVersion = null) =>
        FixtureWheel.Write(folder, "nvflare", version, new Dictionary<string, string>
        {
            ["nvflare/__init__.py"] = $"# Fixture nvflare package of the CcImage tests.\n__version__ = \"{metadataVersion ?? version}\"\n",
        }, metadataVersion: metadataVersion);
}
