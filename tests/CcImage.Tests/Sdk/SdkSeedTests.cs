// The default CcImageSeed: different for unrelated projects that share a file name, the same for one project in any
// clone or folder (the repository's origin and the project's path in it), and an explicit seed always wins.
namespace CcImage.Tests.Sdk;

[TestClass]
public class SdkSeedTests
{
    private const string Project = """
        <Project Sdk="CcImage.Sdk">
          <ItemGroup>
            <CcPartition Include="data" Size="4M" />
          </ItemGroup>
        </Project>
        """;

    private static string Seed(string project) =>
        SdkFixture.DotnetIn(Path.GetDirectoryName(project)!, "msbuild", project, "-getProperty:CcImageSeed", "-nodeReuse:false")
            .AssertSuccess("dotnet msbuild -getProperty:CcImageSeed").StandardOutput.Trim();

    private static void Git(string dir, params string[] args) =>
        ProcessResult.Run("git", ["-c", "user.name=t", "-c", "user.email=t@example.invalid", .. args], workingDirectory: dir).AssertSuccess("git " + string.Join(' ', args));

    /// <summary>A repository whose origin is <paramref name="origin"/>, holding the project at sites/hospital/site.ccproj.</summary>
    private static string Repository(string origin)
    {
        string project = SdkFixture.CreateProject("site", Project);
        string root = Path.GetDirectoryName(project)!;
        string nested = Path.Combine(root, "sites", "hospital");
        Directory.CreateDirectory(nested);
        File.Move(project, Path.Combine(nested, "site.ccproj"));
        Git(root, "init", "-q");
        Git(root, "remote", "add", "origin", origin);
        return Path.Combine(nested, "site.ccproj");
    }

    [TestMethod]
    public void DefaultSeed_UnrelatedProjectsOfTheSameName_Differ()
    {
        string a = SdkFixture.CreateProject("site", Project);
        string b = SdkFixture.CreateProject("site", Project.Replace("4M", "8M"));
        Assert.AreNotEqual(Seed(a), Seed(b));
    }

    [TestMethod]
    public void DefaultSeed_GitRepository_IsOriginAndPathInRepository_InAnyCloneFolder()
    {
        string one = Repository("git@github.com:Example/Sites.git");
        string two = Repository("https://user:secret@github.com/example/sites");
        Assert.AreEqual("github.com/example/sites/sites/hospital/site.ccproj", Seed(one));
        Assert.AreEqual(Seed(one), Seed(two), "two clones (ssh and https, different folders) of one repository");
        Assert.AreNotEqual(Seed(one), Seed(Repository("https://github.com/example/other.git")));
    }

    [TestMethod]
    public void ExplicitSeed_Wins_AndNoWarning()
    {
        string project = SdkFixture.CreateProject("pinnedseed", Project.Replace("<ItemGroup>", "<PropertyGroup><CcImageSeed>mine</CcImageSeed></PropertyGroup><ItemGroup>"));
        Assert.AreEqual("mine", Seed(project));
        var build = SdkFixture.Dotnet("build", project, "-warnaserror").AssertSuccess("dotnet build -warnaserror");
        Assert.DoesNotContain("CCIMG1401", build.Output);
    }
}
