// The names CcImage reads: its properties — every setting of the settings table, plus the Cc properties the SDK's own
// files define (extension points such as CcBuildDependsOn) and docs/properties.md documents — and, per item type, the
// item metadata. Checks and diagnostics ask only this type. Also suggests the known name a misspelt one was probably
// meant to be.
using System.Text.RegularExpressions;
using System.Xml;
using System.Xml.Linq;
using CcImage.Core.Disk;

namespace CcImage.Core.Config;

public sealed partial class KnownSettings
{
    /// <summary>The prefix every CcImage property and item type starts with.</summary>
    public const string Prefix = "Cc";

    /// <summary>The most edits (insertions, deletions, substitutions) between a misspelt name and the one suggested.</summary>
    public const int MaxSuggestionDistance = 2;

    /// <summary>A name shorter than this is not suggested on the grounds that a known name contains it.</summary>
    private const int MinContainedLength = 4;

    /// <summary>The package folders holding MSBuild files that define properties.</summary>
    private static readonly string[] SdkFolders = ["Sdk", "build"];

    private readonly HashSet<string> _properties;
    private readonly Dictionary<string, IReadOnlyList<string>> _itemMetadata;

    public KnownSettings(IEnumerable<string> properties, IReadOnlyDictionary<string, IReadOnlyList<string>> itemMetadata)
    {
        _properties = new HashSet<string>(properties, StringComparer.Ordinal);
        _itemMetadata = new Dictionary<string, IReadOnlyList<string>>(itemMetadata, StringComparer.Ordinal);
    }

    /// <summary>Every known property name.</summary>
    public IReadOnlySet<string> Properties => _properties;

    /// <summary>Every known item type.</summary>
    public IEnumerable<string> ItemTypes => _itemMetadata.Keys;

    /// <summary>The item metadata CcImage reads, by item type.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ItemMetadata { get; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["CcPartition"] = PartitionSpec.MetadataNames,
            ["CcPackage"] = ["Version"],
            ["CcDeb"] = [],
            ["CcFile"] = ["Destination", "Mode", "Owner", "Sha256"],
            ["CcAllowedPort"] = ["Direction", "Protocol"],
        };

    /// <summary>
    /// The settings of an SDK laid out as the package is: <c>Sdk/*.props|targets</c>, <c>build/*.props|targets</c>
    /// and <c>docs/properties.md</c> under <paramref name="sdkDirectory"/>.
    /// </summary>
    public static KnownSettings Load(string sdkDirectory) =>
        FromFiles(
            SdkFolders.Select(d => Path.Combine(sdkDirectory, d)).Where(Directory.Exists)
                .SelectMany(d => Directory.GetFiles(d).Where(f => f.EndsWith(".props", StringComparison.Ordinal) || f.EndsWith(".targets", StringComparison.Ordinal)))
                .Order(StringComparer.Ordinal),
            Path.Combine(sdkDirectory, "docs", "properties.md"));

    /// <summary>The properties defined in <paramref name="msbuildFiles"/> and documented in <paramref name="propertiesDoc"/>.</summary>
    public static KnownSettings FromFiles(IEnumerable<string> msbuildFiles, string? propertiesDoc)
    {
        var names = new HashSet<string>(SettingsTable.All.Select(s => s.Name), StringComparer.Ordinal);
        foreach (string file in msbuildFiles)
        {
            try
            {
                foreach (var element in XDocument.Load(file).Descendants().Where(e => e.Parent?.Name.LocalName == "PropertyGroup"))
                    if (element.Name.LocalName.StartsWith(Prefix, StringComparison.Ordinal))
                        names.Add(element.Name.LocalName);
            }
            catch (XmlException)
            {
                // a malformed SDK file fails the build on its own
            }
        }
        if (propertiesDoc != null && File.Exists(propertiesDoc))
            foreach (Match m in DocumentedProperty().Matches(File.ReadAllText(propertiesDoc)))
                names.Add(m.Groups[1].Value);
        return new KnownSettings(names, ItemMetadata);
    }

    public bool IsProperty(string name) => _properties.Contains(name);

    public bool IsItemType(string name) => _itemMetadata.ContainsKey(name);

    /// <summary>The metadata <paramref name="itemType"/> reads (empty for an unknown type).</summary>
    public IReadOnlyList<string> MetadataOf(string itemType) =>
        _itemMetadata.TryGetValue(itemType, out var names) ? names : [];

    /// <summary>The known property <paramref name="name"/> was probably meant to be, or null when none is close.</summary>
    public string? SuggestProperty(string name) => Closest(name, _properties, allowContained: false);

    /// <summary>The known item type <paramref name="name"/> was probably meant to be, or null.</summary>
    public string? SuggestItemType(string name) => Closest(name, _itemMetadata.Keys, allowContained: false);

    /// <summary>The metadata of <paramref name="itemType"/> that <paramref name="name"/> was probably meant to be
    /// (close in spelling, or a known name that contains it: Label for PartitionLabel), or null.</summary>
    public string? SuggestMetadata(string itemType, string name) => Closest(name, MetadataOf(itemType), allowContained: true);

    private static string? Closest(string name, IEnumerable<string> candidates, bool allowContained)
    {
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            int distance = Distance(name.ToUpperInvariant(), candidate.ToUpperInvariant());
            if (distance > MaxSuggestionDistance && allowContained && name.Length >= MinContainedLength
                && candidate.Contains(name, StringComparison.OrdinalIgnoreCase))
                distance = MaxSuggestionDistance; // e.g. Label inside PartitionLabel
            if (distance <= MaxSuggestionDistance && distance < bestDistance)
                (best, bestDistance) = (candidate, distance);
        }
        return best;
    }

    /// <summary>Levenshtein distance.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }

    /// <summary>A table row of docs/properties.md: <c>| `CcName` |</c> or <c>| `CcA`, `CcB` |</c>.</summary>
    [GeneratedRegex(@"(?m)(?:^\| |, )`(Cc\w+)`")]
    private static partial Regex DocumentedProperty();
}
