// Packs CcImage.Sdk once per test run into a private feed with a private NuGet packages folder, and creates and builds
// real projects that reference it through global.json's msbuild-sdks or a versioned Sdk attribute, as users do.
using System.Xml.Linq;

namespace CcImage.Tests.Sdk;

internal static class SdkFixture
{
    private static readonly Lazy<(string Feed, string Packages, string Version)> Packed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Version => Packed.Value.Version;

    /// <summary>The private NuGet packages folder the builds use (NUGET_PACKAGES).</summary>
    public static string PackagesFolder => Packed.Value.Packages;

    /// <summary>Creates a project folder with a NuGet.config naming the private feed and, unless disabled, a global.json pinning the SDK.</summary>
    public static string CreateProject(string name, string projectXml, bool pinInGlobalJson = true)
    {
        var (feed, _, version) = Packed.Value;
        string dir = TestPaths.NewTempDir("sdk-" + name);
        File.WriteAllText(Path.Combine(dir, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="ccimage-test-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(dir, "global.json"), pinInGlobalJson
            ? $$"""{ "msbuild-sdks": { "CcImage.Sdk": "{{version}}" } }"""
            : "{ }");
        string project = Path.Combine(dir, name + ".ccproj");
        File.WriteAllText(project, projectXml.Replace("$SDKVERSION$", version));
        return project;
    }

    /// <summary>Runs `dotnet build` (or another verb) on a project with the private packages folder.</summary>
    public static ProcessResult Dotnet(string verb, string project, params string[] args)
    {
        var (_, packages, _) = Packed.Value;
        return ProcessResult.Run("dotnet", [verb, project, "-nodeReuse:false", "-v:n", .. args],
            workingDirectory: Path.GetDirectoryName(project),
            environment: new Dictionary<string, string>
            {
                ["NUGET_PACKAGES"] = packages,
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            });
    }

    private static (string, string, string) Pack()
    {
        string root = TestPaths.NewTempDir("sdk-feed");
        string feed = Path.Combine(root, "feed");
        string packages = Path.Combine(root, "packages");
        Directory.CreateDirectory(feed);
        Directory.CreateDirectory(packages);
        string version = XDocument.Load(Path.Combine(TestPaths.RepoRoot, "Directory.Build.props"))
            .Descendants("Version").First().Value;
        ProcessResult.Run("dotnet", ["pack", Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Sdk", "CcImage.Sdk.csproj"),
                "-c", "Release", "-o", feed, "--nologo", "-nodeReuse:false"])
            .AssertSuccess("dotnet pack CcImage.Sdk");
        return (feed, packages, version);
    }
}
