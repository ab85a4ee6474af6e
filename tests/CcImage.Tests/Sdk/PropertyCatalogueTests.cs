// The settings table: every property CcImage.Defaults.props defines is documented in docs/properties.md, and the
// documentation names no property the SDK does not define.
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace CcImage.Tests.Sdk;

[TestClass]
public class PropertyCatalogueTests
{
    private static readonly string Sdk = Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Sdk");

    private static HashSet<string> DefinedProperties() =>
        Directory.GetFiles(Path.Combine(Sdk, "build"))
            .SelectMany(f => XDocument.Load(f).Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup"))
            .Select(e => e.Name.LocalName)
            .Where(n => n.StartsWith("Cc", StringComparison.Ordinal))
            .ToHashSet();

    private static HashSet<string> DocumentedProperties() =>
        Regex.Matches(File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "docs", "properties.md")), @"(?m)^\| `(Cc\w+)`(?:, `(Cc\w+)`)?")
            .SelectMany(m => m.Groups.Cast<Group>().Skip(1).Where(g => g.Success).Select(g => g.Value))
            .ToHashSet();

    [TestMethod]
    public void EveryDefaultProperty_IsDocumented()
    {
        var defaults = XDocument.Load(Path.Combine(Sdk, "build", "CcImage.Defaults.props")).Descendants()
            .Where(e => e.Parent?.Name.LocalName == "PropertyGroup" && e.Name.LocalName.StartsWith("Cc", StringComparison.Ordinal))
            .Select(e => e.Name.LocalName);
        var documented = DocumentedProperties();
        foreach (string name in defaults)
            Assert.Contains(name, documented, $"{name} is in CcImage.Defaults.props but not in docs/properties.md");
    }

    [TestMethod]
    public void EveryDocumentedProperty_IsDefinedBySdk()
    {
        var defined = DefinedProperties();
        foreach (string name in DocumentedProperties())
            Assert.Contains(name, defined, $"docs/properties.md documents {name}, which no SDK file defines");
    }
}
