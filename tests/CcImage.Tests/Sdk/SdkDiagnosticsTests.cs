// Builds, in one solution, a project that triggers each CCIMG diagnostic a project's settings can cause, and checks
// what the user sees: the code, the user's own project file and a line in it (not the SDK's targets in the NuGet cache),
// that line showing the setting or item the message is about, and a message that names a setting that exists in the
// settings table (KnownSettings: the SDK's props and targets and docs/properties.md, and the item metadata).
using System.Text.RegularExpressions;
using CcImage.Core.Config;

namespace CcImage.Tests.Sdk;

[TestClass]
public partial class SdkDiagnosticsTests
{
    private static readonly string[] SdkFolders = ["Sdk", "build"];

    private sealed record Case(string Name, string Code, string Properties, string Items, bool Seeded = true);

    private static readonly Case[] Cases =
    [
        new("role", "CCIMG1004", "<CcRole>gateway</CcRole>", """<CcPartition Include="data" Size="4M" />"""),
        new("norole", "CCIMG1222", "<CcRole>server</CcRole>", """<CcPartition Include="data" Size="4M" Roles="client" />"""),
        new("badsize", "CCIMG1002", "", """<CcPartition Include="data" Size="four megs" />"""),
        new("namedup", "CCIMG1103", "", """<CcPartition Include="data" Size="4M" /><CcPartition Include="data" Size="4M" />"""),
        new("roleunknown", "CCIMG1104", "", """<CcPartition Include="data" Role="bogus" Size="4M" />"""),
        new("uuid", "CCIMG1105", "", """<CcPartition Include="data" Uuid="nope" Size="4M" />"""),
        new("typerole", "CCIMG1106", "", """<CcPartition Include="data" Type="0fc63daf-8483-4772-8e79-3d69d8477de4" Role="root" Size="4M" />"""),
        new("gptname", "CCIMG1107", "", $"""<CcPartition Include="data" PartitionLabel="{new string('x', 40)}" Size="4M" />"""),
        new("ext4label", "CCIMG1108", "", """<CcPartition Include="data" Content="config" PartitionLabel="seventeen-chars-x" />"""),
        new("attributes", "CCIMG1109", "", """<CcPartition Include="data" Attributes="bogus" Size="4M" />"""),
        new("contentimage", "CCIMG1110", "", """<CcPartition Include="data" Content="config" Image="disk.img" />"""),
        new("filesystem", "CCIMG1111", "", """<CcPartition Include="data" Filesystem="xfs" Size="4M" />"""),
        new("nocontent", "CCIMG1112", "", """<CcPartition Include="data" Content="nodir" />"""),
        new("nosize", "CCIMG1113", "", """<CcPartition Include="data" />"""),
        new("toosmall", "CCIMG1114", "", """<CcPartition Include="data" Image="disk.img" Size="1M" />"""),
        new("fillfirst", "CCIMG1115", "", """<CcPartition Include="data" Size="*" /><CcPartition Include="more" Size="4M" />"""),
        new("fillnodisk", "CCIMG1116", "", """<CcPartition Include="data" Size="*" />"""),
        new("uuiddup", "CCIMG1117", "", """
            <CcPartition Include="data" Size="4M" Uuid="11111111-2222-3333-4444-555555555555" />
            <CcPartition Include="more" Size="4M" Uuid="11111111-2222-3333-4444-555555555555" />
            """),
        new("sector", "CCIMG1203", "<CcSectorSize>1024</CcSectorSize>", """<CcPartition Include="data" Size="4M" />"""),
        new("disksmall", "CCIMG1122", "<CcDiskSize>2M</CcDiskSize>", """<CcPartition Include="data" Size="4M" />"""),
        new("boolean", "CCIMG1124", "", """<CcPartition Include="data" Content="config" PreserveOwnership="maybe" />"""),
        new("clustersize", "CCIMG2015", "<CcClusterSize>1000</CcClusterSize>", """<CcPartition Include="data" Size="4M" />"""),
        new("noseed", "CCIMG1401", "", """<CcPartition Include="data" Size="4M" />""", Seeded: false),
        new("propertytypo", "CCIMG1402", "<CcDiskSise>8M</CcDiskSise>", """<CcPartition Include="data" Size="4M" />"""),
        new("itemtypo", "CCIMG1403", "", """<CcPartition Include="data" Size="4M" /><CcPartitions Include="more" Size="4M" />"""),
        new("metadatatypo", "CCIMG1404", "", """<CcPartition Include="data" Size="4M" Sise="8M" />"""),
        new("label", "CCIMG1405", "", """<CcPartition Include="data" Size="4M" Label="boot" />"""),
    ];

    private sealed record Diagnostic(string File, int Line, string Severity, string Code, string Message);

    private static string _root = "";
    private static List<Diagnostic> _diagnostics = [];
    private static KnownSettings _known = null!;

    [ClassInitialize]
    public static void BuildAllCasesFixture(TestContext _)
    {
        _root = TestPaths.NewTempDir("diag");
        File.WriteAllText(Path.Combine(_root, "NuGet.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="ccimage-test-feed" value="{SdkFixture.Feed}" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(_root, "global.json"), $$"""{ "msbuild-sdks": { "CcImage.Sdk": "{{SdkFixture.Version}}" } }""");
        foreach (var c in Cases)
        {
            string dir = Path.Combine(_root, c.Name);
            Directory.CreateDirectory(Path.Combine(dir, "config"));
            File.WriteAllText(Path.Combine(dir, "config", "site.conf"), "role=client\n");
            File.WriteAllBytes(Path.Combine(dir, "disk.img"), new byte[2 << 20]);
            string seed = c.Seeded ? $"\n    <CcImageSeed>diagnostics-{c.Name}</CcImageSeed>" : "";
            File.WriteAllText(Path.Combine(dir, c.Name + ".ccproj"), $"""
                <Project Sdk="CcImage.Sdk">
                  <PropertyGroup>{seed}
                    {c.Properties}
                  </PropertyGroup>
                  <ItemGroup>
                    {c.Items}
                  </ItemGroup>
                </Project>
                """);
        }
        SdkFixture.DotnetIn(_root, "new", "sln", "-n", "cases").AssertSuccess("dotnet new sln");
        SdkFixture.DotnetIn(_root, ["sln", "add", .. Cases.Select(c => c.Name)]).AssertSuccess("dotnet sln add");
        var build = SdkFixture.DotnetIn(_root, "build", "-nodeReuse:false", "-tl:off", "-v:m", "-m:2");
        Assert.AreNotEqual(0, build.ExitCode, "the build of the broken projects succeeded");
        _diagnostics = [.. DiagnosticLine().Matches(build.Output)
            .Select(m => new Diagnostic(m.Groups["file"].Value, int.Parse(m.Groups["line"].Value, System.Globalization.CultureInfo.InvariantCulture),
                m.Groups["severity"].Value, m.Groups["code"].Value, m.Groups["message"].Value.TrimEnd()))
            .Distinct()];
        _known = KnownSettings.FromFiles(
            SdkFolders.SelectMany(d => Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Sdk", d))),
            Path.Combine(TestPaths.RepoRoot, "docs", "properties.md"));
    }

    /// <summary>The names in a message that are settings: properties, item types and their metadata.</summary>
    private static string[] NamedSettings(string message) =>
        [.. Word().Matches(message).Select(m => m.Value).Where(w =>
            _known.IsProperty(w) || _known.IsItemType(w) || _known.ItemTypes.Any(t => _known.MetadataOf(t).Contains(w)))];

    public static IEnumerable<object[]> CaseNames => Cases.Select(c => new object[] { c.Name });

    [TestMethod]
    [DynamicData(nameof(CaseNames))]
    public void Diagnostic_PointsAtTheUsersLine_AndNamesAKnownSetting(string name)
    {
        var c = Cases.Single(x => x.Name == name);
        string project = Path.Combine(_root, c.Name, c.Name + ".ccproj");
        var found = _diagnostics.Where(d => d.Code == c.Code && d.File == project).ToList();
        Assert.IsNotEmpty(found, $"no {c.Code} for {project}; diagnostics were:\n{string.Join('\n', _diagnostics)}");
        string[] lines = File.ReadAllLines(project);
        foreach (var d in found)
        {
            Assert.AreEqual(c.Code.StartsWith("CCIMG14", StringComparison.Ordinal) ? "warning" : "error", d.Severity, d.ToString());
            var named = NamedSettings(d.Message);
            Assert.IsNotEmpty(named, $"{d.Code} names no setting of the settings table: {d.Message}");
            Assert.IsTrue(d.Line >= 1 && d.Line <= lines.Length, $"{d.Code} points at line {d.Line}: {d.Message}");
            string line = lines[d.Line - 1];
            var quoted = QuotedName().Matches(d.Message).Select(m => m.Groups[1].Value);
            Assert.IsTrue(named.Any(line.Contains) || quoted.Any(q => line.Contains($"\"{q}\"", StringComparison.Ordinal) || line.Contains($"<{q}>", StringComparison.Ordinal))
                          || line.Contains("<Project", StringComparison.Ordinal),
                $"{d.Code} points at line {d.Line} ('{line.Trim()}'), which shows nothing the message names: {d.Message}");
        }
    }

    [TestMethod]
    public void Errors_OfOneProject_StopOnlyThatProject()
    {
        // Every case that is only a warning still built its image.
        foreach (var c in Cases.Where(c => c.Code.StartsWith("CCIMG14", StringComparison.Ordinal)))
            QemuImg.AssertCheckClean(Path.Combine(_root, c.Name, "bin", "Debug", "nvcc_image.qcow2"));
    }

    [TestMethod]
    public void TerminalLogger_LinksTheCodeToItsEntryInTheShippedErrorsMd()
    {
        string project = Path.Combine(_root, "label", "label.ccproj");
        File.SetLastWriteTimeUtc(project, DateTime.UtcNow); // the settings check reruns
        var result = SdkFixture.DotnetIn(Path.GetDirectoryName(project)!, "build", project, "-nodeReuse:false", "-tl:on");
        var link = HelpLink().Match(result.Output);
        Assert.IsTrue(link.Success, result.Output);
        var uri = new Uri(link.Groups["uri"].Value);
        Assert.AreEqual("#ccimg1405", uri.Fragment);
        Assert.IsTrue(File.Exists(uri.LocalPath), $"{uri.LocalPath} is not in the SDK package");
        StringAssert.Contains(File.ReadAllText(uri.LocalPath), "## CCIMG1405");
    }

    [GeneratedRegex(@"(?m)^\s*(?<file>/[^(\n]+)\((?<line>\d+)(?:,\d+)?\): (?<severity>error|warning) (?<code>CCIMG\d{4}): (?<message>.*?)(?: \[[^\]\n]+\])?\r?$")]
    private static partial Regex DiagnosticLine();

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();

    [GeneratedRegex(@"'([^'\s]+)'")]
    private static partial Regex QuotedName();

    /// <summary>An OSC 8 hyperlink around a CCIMG code, as the terminal logger writes a diagnostic's help link.</summary>
    [GeneratedRegex(@"\x1b\]8;;(?<uri>file://[^\x1b\x07]+)(?:\x07|\x1b\\)CCIMG1405")]
    private static partial Regex HelpLink();
}
