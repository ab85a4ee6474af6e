// The conventions of Microsoft.NET.Sdk in a .ccproj: the repository's Directory.Build.props/.targets and
// Directory.Packages.props are imported, Configuration defaults to Debug, and OutputPath/OutDir/BaseOutputPath,
// BaseIntermediateOutputPath/IntermediateOutputPath and PublishDir decide where images and work files go.
using System.Text.Json;

namespace CcImage.Tests.Sdk;

[TestClass]
public class SdkConventionsTests
{
    private const string Project = """
        <Project Sdk="CcImage.Sdk">
          <PropertyGroup>
            <CcImageSeed>conventions</CcImageSeed>
          </PropertyGroup>
          <ItemGroup>
            <CcPartition Include="data" Size="4M" />
          </ItemGroup>
        </Project>
        """;

    private static readonly string[] Names =
        ["Configuration", "CcOutputDir", "CcIntermediateDir", "PublishDir", "CcDiskSize", "CcSectorSize", "CcRole"];

    /// <summary>The evaluated values of <see cref="Names"/>, as `dotnet msbuild -getProperty` prints them.</summary>
    private static Dictionary<string, string> Properties(string project, params string[] args)
    {
        var result = SdkFixture.DotnetIn(Path.GetDirectoryName(project)!,
            ["msbuild", project, "-nodeReuse:false", .. Names.Select(n => "-getProperty:" + n), .. args]).AssertSuccess("dotnet msbuild -getProperty");
        return JsonDocument.Parse(result.StandardOutput).RootElement.GetProperty("Properties").EnumerateObject()
            .ToDictionary(p => p.Name, p => p.Value.GetString()!);
    }

    [TestMethod]
    public void Defaults_AreThoseOfEveryDotnetProject()
    {
        string project = SdkFixture.CreateProject("conventions", Project);
        string dir = Path.GetDirectoryName(project)!;
        var p = Properties(project);
        Assert.AreEqual("Debug", p["Configuration"]);
        Assert.AreEqual(Path.Combine(dir, "bin", "Debug") + "/", p["CcOutputDir"]);
        Assert.AreEqual(Path.Combine(dir, "obj", "Debug") + "/", p["CcIntermediateDir"]);
        Assert.AreEqual("bin/Debug/publish/", p["PublishDir"]);
    }

    [TestMethod]
    public void RestoreEvaluation_HasOnlyTheRestoreEntryPoints_TheBuildEvaluationHasTheStages()
    {
        // `dotnet build` evaluates the project once for its restore pass (MSBuildIsRestoring=true) and a solution's
        // restore asks each project with ExcludeRestorePackageImports=true: neither evaluation needs the stage targets.
        string project = SdkFixture.CreateProject("conventions", Project);
        string[] query = ["msbuild", project, "-nodeReuse:false", "-getProperty:CcBuildDependsOn", "-getItem:_CcSetting"];
        foreach (string restoring in new[] { "-p:MSBuildIsRestoring=true", "-p:ExcludeRestorePackageImports=true" })
        {
            var restore = SdkFixture.DotnetIn(Path.GetDirectoryName(project)!, [.. query, restoring]).AssertSuccess("restore evaluation");
            var json = JsonDocument.Parse(restore.StandardOutput).RootElement;
            Assert.AreEqual("", json.GetProperty("Properties").GetProperty("CcBuildDependsOn").GetString(), restoring);
            Assert.AreEqual(0, json.GetProperty("Items").GetProperty("_CcSetting").GetArrayLength(), restoring);
            SdkFixture.DotnetIn(Path.GetDirectoryName(project)!, "msbuild", project, "-nodeReuse:false", "-t:Restore;_IsProjectRestoreSupported", restoring)
                .AssertSuccess("the restore entry points in a restore evaluation");
        }
        var build = JsonDocument.Parse(SdkFixture.DotnetIn(Path.GetDirectoryName(project)!, query).AssertSuccess("build evaluation").StandardOutput).RootElement;
        StringAssert.Contains(build.GetProperty("Properties").GetProperty("CcBuildDependsOn").GetString(), "BuildBaseImage");
        Assert.IsGreaterThan(50, build.GetProperty("Items").GetProperty("_CcSetting").GetArrayLength());
    }

    [TestMethod]
    public void DotnetPathProperties_MoveOutputsAndWorkFiles()
    {
        string project = SdkFixture.CreateProject("conventions", Project);
        string dir = Path.GetDirectoryName(project)!;
        var p = Properties(project, "-p:Configuration=Release", "-p:BaseOutputPath=out/", "-p:BaseIntermediateOutputPath=work/");
        Assert.AreEqual(Path.Combine(dir, "out", "Release") + "/", p["CcOutputDir"]);
        Assert.AreEqual(Path.Combine(dir, "work", "Release") + "/", p["CcIntermediateDir"]);
        p = Properties(project, "-p:OutputPath=/tmp/somewhere/", "-p:IntermediateOutputPath=tmpobj/");
        Assert.AreEqual("/tmp/somewhere/", p["CcOutputDir"]);
        Assert.AreEqual(Path.Combine(dir, "tmpobj") + "/", p["CcIntermediateDir"]);
    }

    [TestMethod]
    public void DirectoryFiles_AboveTheProject_AreImported_AndCanBeSwitchedOff()
    {
        // A repository folder of its own (never the shared temp folder: other tests' projects sit there) holding the
        // NuGet.config and global.json of a fixture project, the Directory files, and the site one level down.
        string project = SdkFixture.CreateProject("conventions", Project);
        string parent = TestPaths.NewTempDir("conventions-repo");
        string site = Path.Combine(parent, "site");
        Directory.CreateDirectory(site);
        string nested = Path.Combine(site, "site.ccproj");
        File.Copy(project, nested);
        foreach (string file in new[] { "NuGet.config", "global.json" })
            File.Copy(Path.Combine(Path.GetDirectoryName(project)!, file), Path.Combine(parent, file));
        File.WriteAllText(Path.Combine(parent, "Directory.Build.props"), "<Project><PropertyGroup><CcDiskSize>64M</CcDiskSize><CcRole>server</CcRole></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(parent, "Directory.Build.targets"), "<Project><PropertyGroup><CcRole>client</CcRole></PropertyGroup></Project>");
        File.WriteAllText(Path.Combine(parent, "Directory.Packages.props"), "<Project><PropertyGroup><CcSectorSize>4096</CcSectorSize></PropertyGroup></Project>");

        var p = Properties(nested);
        Assert.AreEqual("64M", p["CcDiskSize"]);
        Assert.AreEqual("4096", p["CcSectorSize"]);
        Assert.AreEqual("client", p["CcRole"], "Directory.Build.targets comes after the project and its props");

        p = Properties(nested, "-p:ImportDirectoryBuildProps=false", "-p:ImportDirectoryBuildTargets=false", "-p:ImportDirectoryPackagesProps=false");
        Assert.AreEqual("", p["CcDiskSize"]);
        Assert.AreEqual("512", p["CcSectorSize"]);
        Assert.AreEqual("all", p["CcRole"]);
    }
}
