// The walk of a .NET developer, in a fresh folder outside the repository: install the packed template, create two
// sites, put them (and a C# library) in a solution, build with -warnaserror, share a setting through
// Directory.Build.props, build one site into -o DIR, publish, clean and rebuild from the solution; the terminal logger
// names each image.
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CcImage.Tests.Sdk;

[TestClass]
public partial class SdkSolutionTests
{
    private static string _root = "";

    /// <summary>A folder with the template installed, sites a and b, a class library and sites.slnx holding all three.</summary>
    [ClassInitialize]
    public static void CreateSolutionFixture(TestContext _)
    {
        _root = TestPaths.NewTempDir("sln");
        SdkFixture.DotnetIn(_root, "new", "install", SdkFixture.Templates, "--force").AssertSuccess("dotnet new install");
        SdkFixture.DotnetIn(_root, "new", "ccimage-site", "-n", "a").AssertSuccess("dotnet new ccimage-site -n a");
        SdkFixture.DotnetIn(_root, "new", "ccimage-site", "-n", "b", "--role", "server", "--image-size", "20G").AssertSuccess("dotnet new ccimage-site -n b");
        SdkFixture.DotnetIn(_root, "new", "classlib", "-n", "lib", "--no-restore").AssertSuccess("dotnet new classlib");
        SdkFixture.DotnetIn(_root, "new", "sln", "-n", "sites").AssertSuccess("dotnet new sln");
        SdkFixture.DotnetIn(_root, "sln", "add", "a", "b", "lib").AssertSuccess("dotnet sln add");
    }

    private static string Image(string site, string configuration = "Debug") =>
        Path.Combine(_root, site, "bin", configuration, "nvcc_image.qcow2");

    private static string Build(params string[] args) =>
        SdkFixture.DotnetIn(_root, ["build", "-nodeReuse:false", .. args]).AssertSuccess("dotnet build " + string.Join(' ', args)).Output;

    /// <summary>The disk GUID sgdisk reads from an image.</summary>
    private static string DiskGuid(string image)
    {
        string raw = image + ".raw";
        QemuImg.Must("convert", "-O", "raw", image, raw);
        try
        {
            string json = RefTools.Run("sfdisk", "--json", raw).StandardOutput;
            return JsonDocument.Parse(json).RootElement.GetProperty("partitiontable").GetProperty("id").GetString()!;
        }
        finally
        {
            File.Delete(raw);
        }
    }

    [TestMethod]
    public void Template_WritesAReadyToBuildSite()
    {
        string project = File.ReadAllText(Path.Combine(_root, "b", "b.ccproj"));
        StringAssert.Contains(project, $"<Project Sdk=\"CcImage.Sdk/{SdkFixture.Version}\">");
        StringAssert.Matches(project, SeedElement());
        StringAssert.Contains(project, "<CcRole>server</CcRole>");
        StringAssert.Contains(project, "<CcImageSize>20G</CcImageSize>");
        StringAssert.Contains(project, "<CcDistribution>debian</CcDistribution>");
        StringAssert.Contains(project, "<CcSuite>bookworm</CcSuite>");
        var globalJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, "b", "global.json"))).RootElement;
        Assert.AreEqual(SdkFixture.Version, globalJson.GetProperty("msbuild-sdks").GetProperty("CcImage.Sdk").GetString());
        StringAssert.Contains(File.ReadAllText(Path.Combine(_root, "b", "requirements.txt")), "nvflare==");
        StringAssert.Contains(File.ReadAllText(Path.Combine(_root, "b", ".gitignore")), "bin/");
        string nugetConfig = File.ReadAllText(Path.Combine(_root, "b", "NuGet.config"));
        StringAssert.Contains(nugetConfig, $"value=\"{SdkFixture.Feed}\"");
        Assert.DoesNotContain("<clear", nugetConfig, "a new site must keep the sources a parent NuGet.config adds");
        Assert.AreNotEqual(SeedElement().Match(project).Value,
            SeedElement().Match(File.ReadAllText(Path.Combine(_root, "a", "a.ccproj"))).Value, "each site gets a fresh seed");
    }

    [TestMethod]
    public void Template_WithEmptyFeed_WritesNoNuGetConfig()
    {
        string dir = TestPaths.NewTempDir("sln-nofeed"); // the template is installed by the class fixture
        SdkFixture.DotnetIn(dir, "new", "ccimage-site", "-n", "c", "--feed", "").AssertSuccess("dotnet new ccimage-site --feed ''");
        StringAssert.Matches(File.ReadAllText(Path.Combine(dir, "c", "c.ccproj")), SeedElement());
        Assert.IsFalse(File.Exists(Path.Combine(dir, "c", "NuGet.config")));
    }

    [TestMethod]
    public void Solution_WarnAsError_BuildsBothSitesWithDifferentDiskGuids_AndDirectoryBuildPropsChangesBoth()
    {
        string output = Build("-warnaserror", "-m:2", "-tl:off");
        StringAssert.Contains(output, $"a -> {Image("a")}");
        StringAssert.Contains(output, $"b -> {Image("b")}");
        Assert.IsTrue(File.Exists(Path.Combine(_root, "lib", "bin", "Debug", "net10.0", "lib.dll")), "the C# project beside the sites was built");
        QemuImg.AssertCheckClean(Image("a"));
        QemuImg.AssertCheckClean(Image("b"));
        Assert.AreNotEqual(DiskGuid(Image("a")), DiskGuid(Image("b")));

        // A setting shared by every site through Directory.Build.props above them.
        string props = Path.Combine(_root, "Directory.Build.props");
        File.WriteAllText(props, "<Project>\n  <PropertyGroup>\n    <CcDiskSize>96M</CcDiskSize>\n  </PropertyGroup>\n</Project>\n");
        try
        {
            Build("-warnaserror", "-tl:off");
            Assert.AreEqual(96L << 20, QemuImg.Info(Image("a")).GetProperty("virtual-size").GetInt64());
            Assert.AreEqual(96L << 20, QemuImg.Info(Image("b")).GetProperty("virtual-size").GetInt64());
        }
        finally
        {
            File.Delete(props);
        }
    }

    [TestMethod]
    public void TerminalLogger_NamesEachSitesImage()
    {
        File.SetLastWriteTimeUtc(Path.Combine(_root, "a", "config", "site.conf"), DateTime.UtcNow); // a reruns, b is up to date
        string output = Ansi().Replace(Build("-tl:on"), "");
        StringAssert.Matches(output, new Regex(@"a succeeded.*→ a/bin/Debug/nvcc_image\.qcow2"));
        StringAssert.Matches(output, new Regex(@"b succeeded.*→ b/bin/Debug/nvcc_image\.qcow2"));
    }

    [TestMethod]
    public void OutputOption_WritesTheImageIntoThatFolder()
    {
        Build("-tl:off");
        string outDir = TestPaths.NewTempDir("sln-out");
        SdkFixture.DotnetIn(_root, "build", "a", "-o", outDir, "-nodeReuse:false").AssertSuccess("dotnet build a -o DIR");
        string image = Path.Combine(outDir, "nvcc_image.qcow2");
        QemuImg.AssertCheckClean(image);
        Assert.AreEqual(DiskGuid(Image("a")), DiskGuid(image));
    }

    [TestMethod]
    public void Publish_CopiesTheImagesIntoThePublishFolder()
    {
        SdkFixture.DotnetIn(_root, "publish", "b", "-nodeReuse:false").AssertSuccess("dotnet publish b");
        string published = Path.Combine(_root, "b", "bin", "Release", "publish", "nvcc_image.qcow2");
        QemuImg.AssertCheckClean(published);
        CollectionAssert.AreEqual(File.ReadAllBytes(Image("b", "Release")), File.ReadAllBytes(published));
    }

    [TestMethod]
    public void Solution_CleanThenRebuild_RemovesAndRewritesTheImages()
    {
        Build("-tl:off");
        SdkFixture.DotnetIn(_root, "clean", "-nodeReuse:false").AssertSuccess("dotnet clean");
        Assert.IsFalse(File.Exists(Image("a")));
        Assert.IsFalse(File.Exists(Image("b")));
        Build("--no-incremental", "-tl:off");
        QemuImg.AssertCheckClean(Image("a"));
        QemuImg.AssertCheckClean(Image("b"));
    }

    [GeneratedRegex(@"<CcImageSeed>[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}</CcImageSeed>")]
    private static partial Regex SeedElement();

    /// <summary>ANSI control sequences (colours, cursor moves) and OSC 8 hyperlinks the terminal logger writes.</summary>
    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x1b\x07]*(?:\x07|\x1b\\)")]
    private static partial Regex Ansi();
}
