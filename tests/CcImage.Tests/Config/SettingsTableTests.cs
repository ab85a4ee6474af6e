// The settings table is the one source of every CcImage property: CcImage.Defaults.props defines exactly its settings
// with its defaults in its order, the settings list handed to the tasks carries each one with the steps it affects,
// docs/properties.md documents each in order, and the BuildBaseImage fingerprint covers every CcPartition metadata.
using System.Text.RegularExpressions;
using System.Xml.Linq;
using CcImage.Core.Config;
using CcImage.Core.Disk;

namespace CcImage.Tests.Config;

[TestClass]
public class SettingsTableTests
{
    private static readonly string Build = Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Sdk", "build");

    private static IEnumerable<XElement> Elements(string file) => XDocument.Load(Path.Combine(Build, file)).Descendants();

    [TestMethod]
    public void DefaultsProps_DefinesEverySettingWithItsDefaultInOrder()
    {
        var defined = Elements("CcImage.Defaults.props")
            .Where(e => e.Parent?.Name.LocalName == "PropertyGroup" && e.Name.LocalName.StartsWith("Cc", StringComparison.Ordinal))
            .Select(e => (e.Name.LocalName, e.Value))
            .ToList();
        CollectionAssert.AreEqual(SettingsTable.All.Select(s => s.Name).ToList(), defined.Select(d => d.LocalName).ToList());
        foreach (var (name, value) in defined)
            Assert.AreEqual(SettingsTable.Get(name).Default, value, $"default of {name}");
    }

    [TestMethod]
    public void SettingItems_CarryEverySettingWithItsSteps()
    {
        var items = Elements("CcImage.Common.targets").Where(e => e.Name.LocalName == "_CcSetting").ToList();
        CollectionAssert.AreEqual(SettingsTable.All.Select(s => s.Name).ToList(), items.Select(i => (string)i.Attribute("Include")!).ToList());
        foreach (var item in items)
        {
            var setting = SettingsTable.Get((string)item.Attribute("Include")!);
            Assert.AreEqual($"$({setting.Name})", (string)item.Attribute("Value")!);
            var steps = Enum.GetValues<PipelineSteps>()
                .Where(s => s is not (PipelineSteps.None or PipelineSteps.Images or PipelineSteps.All) && setting.Steps.HasFlag(s))
                .Select(s => s.ToString());
            Assert.AreEqual(string.Join(';', steps), (string)item.Attribute("Steps")!, $"steps of {setting.Name}");
        }
    }

    [TestMethod]
    public void PropertiesMd_DocumentsEverySettingInOrder()
    {
        string doc = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "properties.md"));
        var rows = Regex.Matches(doc, @"(?m)^\| `(Cc\w+)` \| ([^|]*) \|").Select(m => (Name: m.Groups[1].Value, Default: m.Groups[2].Value.Trim())).ToList();
        CollectionAssert.AreEqual(SettingsTable.All.Select(s => s.Name).ToList(), rows.Select(r => r.Name).ToList());
        foreach (var (name, documentedDefault) in rows)
        {
            var setting = SettingsTable.Get(name);
            if (!setting.ComputedDefault)
                Assert.AreEqual(setting.Default.Length == 0 ? "empty" : $"`{setting.Default}`", documentedDefault, $"default of {name}");
        }
    }

    [TestMethod]
    public void BaseImageFingerprint_CoversEveryPartitionMetadata()
    {
        string transform = (string)Elements("CcImage.BaseImage.targets")
            .First(e => e.Name.LocalName == "_CcBaseImageFingerprintLine" && ((string?)e.Attribute("Include"))?.Contains("@(CcPartition") == true)
            .Attribute("Include")!;
        foreach (string name in PartitionSpec.MetadataNames)
            StringAssert.Contains(transform, $" {name}=%({name})");
    }

    [TestMethod]
    public void ProjectSettings_BadValues_NameTheSetting()
    {
        foreach (var (name, value, code) in new[]
                 {
                     ("CcLockedMode", "maybe", "CCIMG1201"), ("CcVcpus", "four", "CCIMG1202"),
                     ("CcDistribution", "arch", "CCIMG1203"), ("CcOvmfSha256", "abc", "CCIMG1204"), ("CcCacheMaxSize", "big", "CCIMG1002"),
                 })
        {
            var settings = new ProjectSettings([new(name, value)]);
            var e = Assert.ThrowsExactly<Core.Diagnostics.CcImageException>(settings.Validate);
            Assert.AreEqual(code, e.Code);
            StringAssert.Contains(e.Message, name);
        }
    }
}
