// Where a project's settings are written: reads the user's own MSBuild files (the project, Directory.Build.props and
// .targets) with line numbers, so a diagnostic about a property or an item can point at the line that sets it, and a
// check can see names MSBuild would silently ignore (a misspelt property, unknown item metadata, `Label=`).
// MSBuild's evaluation is not repeated: conditions are not evaluated and imports other than the files given are not
// followed; the last element that names a property is taken as its definition, as the last one wins in MSBuild.
using System.Xml;
using System.Xml.Linq;

namespace CcImage.Core.Config;

public sealed class ProjectSourceMap
{
    /// <summary>Attributes MSBuild reads on an item element itself; none of them is item metadata.</summary>
    public static IReadOnlySet<string> ItemElementAttributes { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "Include", "Exclude", "Remove", "Update", "Condition", "Label", "KeepMetadata", "RemoveMetadata",
        "KeepDuplicates", "MatchOnMetadata", "MatchOnMetadataOptions",
    };

    private readonly List<SourceProperty> _properties = [];
    private readonly List<SourceItem> _items = [];

    private ProjectSourceMap(IReadOnlyList<string> files) => Files = files;

    /// <summary>The files read, the project file first.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Every property element, in file order (files in the order given).</summary>
    public IReadOnlyList<SourceProperty> Properties => _properties;

    /// <summary>Every item element and item definition, in file order.</summary>
    public IReadOnlyList<SourceItem> Items => _items;

    /// <summary>Reads <paramref name="files"/> (missing or empty names are skipped; an unreadable file adds nothing).</summary>
    public static ProjectSourceMap Load(IEnumerable<string?> files)
    {
        var existing = files.Where(f => !string.IsNullOrWhiteSpace(f) && File.Exists(f))
            .Select(f => Path.GetFullPath(f!)).Distinct(StringComparer.Ordinal).ToList();
        var map = new ProjectSourceMap(existing);
        foreach (string file in existing)
            map.Read(file);
        return map;
    }

    /// <summary>Where the property is last set, or null when no file sets it (a default, or -p: on the command line).</summary>
    public SourceLocation? FindProperty(string name) =>
        _properties.LastOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase))?.Location;

    /// <summary>Where the item <paramref name="identity"/> of <paramref name="itemType"/> is declared; with
    /// <paramref name="metadata"/>, the line of that metadata when the element sets it.</summary>
    public SourceLocation? FindItem(string itemType, string identity, string? metadata = null)
    {
        var item = _items.FirstOrDefault(i => i.ItemType.Equals(itemType, StringComparison.OrdinalIgnoreCase) && i.Names(identity));
        if (item is null)
            return null;
        var value = metadata is null ? null
            : item.Metadata.FirstOrDefault(m => m.Name.Equals(metadata, StringComparison.OrdinalIgnoreCase));
        return value?.Location ?? item.Location;
    }

    /// <summary>The project file's root element, where a diagnostic about the project as a whole points.</summary>
    public SourceLocation? ProjectElement { get; private set; }

    private void Read(string file)
    {
        XDocument document;
        try
        {
            document = XDocument.Load(file, LoadOptions.SetLineInfo);
        }
        catch (Exception e) when (e is XmlException or IOException or UnauthorizedAccessException)
        {
            return; // MSBuild reports a malformed project itself
        }
        if (document.Root is null)
            return;
        ProjectElement ??= At(file, document.Root);
        foreach (var group in document.Root.Elements())
        {
            switch (group.Name.LocalName)
            {
                case "PropertyGroup":
                    foreach (var property in group.Elements())
                        _properties.Add(new SourceProperty(property.Name.LocalName, property.Value, At(file, property)));
                    break;
                case "ItemGroup":
                case "ItemDefinitionGroup":
                    foreach (var item in group.Elements())
                        _items.Add(ReadItem(file, item, definition: group.Name.LocalName == "ItemDefinitionGroup"));
                    break;
                case "Target":
                    // Properties and items set inside targets count as definitions too (a target may compute a setting).
                    foreach (var inner in group.Elements().Where(e => e.Name.LocalName is "PropertyGroup" or "ItemGroup"))
                        foreach (var element in inner.Elements())
                            if (inner.Name.LocalName == "PropertyGroup")
                                _properties.Add(new SourceProperty(element.Name.LocalName, element.Value, At(file, element)));
                            else
                                _items.Add(ReadItem(file, element, definition: false));
                    break;
            }
        }
    }

    private static SourceItem ReadItem(string file, XElement item, bool definition)
    {
        var metadata = new List<SourceItemMetadata>();
        foreach (var attribute in item.Attributes().Where(a => !a.IsNamespaceDeclaration))
            metadata.Add(new SourceItemMetadata(attribute.Name.LocalName, attribute.Value, At(file, attribute),
                ItemElementAttributes.Contains(attribute.Name.LocalName)));
        foreach (var child in item.Elements())
            metadata.Add(new SourceItemMetadata(child.Name.LocalName, child.Value, At(file, child), IsMSBuildAttribute: false));
        string spec = definition ? ""
            : (string?)item.Attribute("Include") ?? (string?)item.Attribute("Update") ?? (string?)item.Attribute("Remove") ?? "";
        return new SourceItem(item.Name.LocalName, spec, At(file, item), metadata);
    }

    private static SourceLocation At(string file, IXmlLineInfo node) => new(file, node.HasLineInfo() ? node.LineNumber : 0);
}
