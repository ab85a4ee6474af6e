// Packs CcImage.Sdk (and, for the tests that need them, the templates) once per test run into a private feed with a
// private NuGet packages folder and a private dotnet CLI home (installed templates), and creates and builds real
// projects that reference the SDK through global.json's msbuild-sdks or a versioned Sdk attribute, as users do.
using System.Xml.Linq;

namespace CcImage.Tests.Sdk;

internal static class SdkFixture
{
    private static readonly Lazy<(string Feed, string Packages, string Version)> Packed = new(Pack, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>How long a dotnet command may run (ProcessResult's default).</summary>
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(15);

    private static readonly Lazy<string> TemplatesPackage = new(PackTemplates, LazyThreadSafetyMode.ExecutionAndPublication);

    public static string Version => Packed.Value.Version;

    /// <summary>The private NuGet packages folder the builds use (NUGET_PACKAGES).</summary>
    public static string PackagesFolder => Packed.Value.Packages;

    /// <summary>The private feed the SDK (and templates) are packed into.</summary>
    public static string Feed => Packed.Value.Feed;

    /// <summary>CcImage.Templates packed into <see cref="Feed"/> (a new site's NuGet.config names that feed).</summary>
    public static string Templates => TemplatesPackage.Value;

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
    public static ProcessResult Dotnet(string verb, string project, params string[] args) =>
        DotnetIn(Path.GetDirectoryName(project)!, [verb, project, "-nodeReuse:false", "-v:n", .. args]);

    /// <summary>As <see cref="Dotnet(string, string, string[])"/>, for builds that may take longer than the default timeout.</summary>
    public static ProcessResult Dotnet(TimeSpan timeout, string verb, string project, params string[] args) =>
        DotnetIn(timeout, Path.GetDirectoryName(project)!, [verb, project, "-nodeReuse:false", "-v:n", .. args]);

    /// <summary>Runs any dotnet command in <paramref name="directory"/> with the private packages folder and CLI home.</summary>
    public static ProcessResult DotnetIn(string directory, params string[] args) => DotnetIn(DefaultTimeout, directory, args);

    private static ProcessResult DotnetIn(TimeSpan timeout, string directory, string[] args)
    {
        var (feed, packages, _) = Packed.Value;
        return ProcessResult.Run("dotnet", args, workingDirectory: directory, timeoutSeconds: (int)timeout.TotalSeconds,
            environment: new Dictionary<string, string>
            {
                ["NUGET_PACKAGES"] = packages,
                ["DOTNET_CLI_HOME"] = Path.Combine(Path.GetDirectoryName(feed)!, "cli-home"),
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
                ["DOTNET_NOLOGO"] = "1",
                ["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1",
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

    private static string PackTemplates()
    {
        var (feed, _, version) = Packed.Value;
        ProcessResult.Run("dotnet", ["pack", Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Templates", "CcImage.Templates.csproj"),
                "-c", "Release", "-o", feed, "--nologo", "-nodeReuse:false", $"-p:CcTemplateFeed={feed}"])
            .AssertSuccess("dotnet pack CcImage.Templates");
        return Path.Combine(feed, $"CcImage.Templates.{version}.nupkg");
    }
}
