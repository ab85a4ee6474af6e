// The user's files are read with line numbers: the last definition of a property wins, items are found by any name
// of their Include list, metadata by attribute or child element; conditions are not evaluated.
using CcImage.Core.Config;

namespace CcImage.Tests.Config;

[TestClass]
public class ProjectSourceMapTests
{
    private static (string Project, string Props) WriteFiles()
    {
        string dir = TestPaths.NewTempDir("sourcemap");
        string props = Path.Combine(dir, "Directory.Build.props");
        File.WriteAllText(props, """
            <Project>
              <PropertyGroup>
                <CcDiskSize>64M</CcDiskSize>
              </PropertyGroup>
            </Project>
            """);
        string project = Path.Combine(dir, "site.ccproj");
        File.WriteAllText(project, """
            <Project Sdk="CcImage.Sdk">
              <PropertyGroup>
                <CcRole>client</CcRole>
                <CcRole Condition="'$(X)' == 'y'">server</CcRole>
              </PropertyGroup>
              <ItemGroup>
                <CcPartition Include="config;data"
                             Size="8M" Label="boot">
                  <Role>generic</Role>
                </CcPartition>
              </ItemGroup>
            </Project>
            """);
        return (project, props);
    }

    [TestMethod]
    public void FindProperty_TwoDefinitions_ReturnsTheLast()
    {
        var (project, props) = WriteFiles();
        var map = ProjectSourceMap.Load([project, props, null, "/does/not/exist.props"]);
        Assert.AreEqual(new SourceLocation(project, 4), map.FindProperty("CcRole"));
        Assert.AreEqual(new SourceLocation(props, 3), map.FindProperty("CcDiskSize"));
        Assert.IsNull(map.FindProperty("CcImageSeed"));
        Assert.AreEqual(new SourceLocation(project, 1), map.ProjectElement);
    }

    [TestMethod]
    public void FindItem_NameInIncludeList_ReturnsElementOrMetadataLine()
    {
        var (project, _) = WriteFiles();
        var map = ProjectSourceMap.Load([project]);
        Assert.AreEqual(new SourceLocation(project, 7), map.FindItem("CcPartition", "data"));
        Assert.AreEqual(new SourceLocation(project, 8), map.FindItem("CcPartition", "config", "Size"));
        Assert.AreEqual(new SourceLocation(project, 9), map.FindItem("CcPartition", "config", "Role"));
        Assert.IsNull(map.FindItem("CcPartition", "other"));
        var label = map.Items.Single().Metadata.Single(m => m.Name == "Label");
        Assert.IsTrue(label.IsMSBuildAttribute);
    }

    [TestMethod]
    public void Locate_MessageNamingItemAndMetadata_PointsAtTheMetadata()
    {
        var (project, props) = WriteFiles();
        var map = ProjectSourceMap.Load([project, props]);
        Assert.AreEqual(new SourceLocation(project, 9), DiagnosticLocator.Locate("The Role 'x' of partition 'data' is not known.", map));
        Assert.AreEqual(new SourceLocation(props, 3), DiagnosticLocator.Locate("Increase CcDiskSize.", map));
        Assert.AreEqual(new SourceLocation(project, 1), DiagnosticLocator.Locate("A file operation failed.", map));
    }

    [TestMethod]
    public void SettingsCheck_FindsTyposAndLabel_WithTheirLines()
    {
        var (project, _) = WriteFiles();
        File.WriteAllText(project, File.ReadAllText(project).Replace("<CcRole>client</CcRole>", "<CcDiskSise>8M</CcDiskSise>")
            .Replace("<Role>generic</Role>", "<Sise>1M</Sise>"));
        var known = KnownSettings.FromFiles(
            Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Sdk", "build")),
            Path.Combine(TestPaths.RepoRoot, "docs", "properties.md"));
        var warnings = ProjectSettingsCheck.Run(ProjectSourceMap.Load([project]), known, ["CcVcpu", "Configuration", "CcMine"]);
        var byCode = warnings.Select(w => (w.Code, w.Line, w.Message)).ToList();
        Assert.HasCount(4, byCode, string.Join('\n', byCode));
        Assert.AreEqual(("CCIMG1402", 3), (byCode[0].Code, byCode[0].Line));
        StringAssert.Contains(byCode[0].Message, "'CcDiskSize'");
        Assert.AreEqual(("CCIMG1402", 0), (byCode[1].Code, byCode[1].Line));
        StringAssert.Contains(byCode[1].Message, "'CcVcpus'");
        Assert.AreEqual(("CCIMG1405", 8), (byCode[2].Code, byCode[2].Line));
        StringAssert.Contains(byCode[2].Message, "PartitionLabel");
        Assert.AreEqual(("CCIMG1404", 9), (byCode[3].Code, byCode[3].Line));
        StringAssert.Contains(byCode[3].Message, "Did you mean 'Size'?");
    }
}
