// Finds what MSBuild would silently ignore in a project's own files: a Cc property or item type that is not a CcImage
// setting but close to one, item metadata CcImage does not read (with the name it was probably meant to be), and
// `Label=` on a Cc item (MSBuild's element label, never metadata). Each finding is a warning pointing at its line.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Config;

public static class ProjectSettingsCheck
{
    /// <summary>The warnings for the files in <paramref name="map"/> and the names given with -p:.</summary>
    public static IReadOnlyList<CcImageException> Run(ProjectSourceMap map, KnownSettings known, IEnumerable<string> globalPropertyNames)
    {
        var warnings = new List<CcImageException>();
        foreach (var property in map.Properties)
            if (UnknownProperty(property.Name, known) is { } suggestion)
                warnings.Add(Diag.At(property.Location.File, property.Location.Line, nameof(Strings.SettingUnknownProperty), property.Name, suggestion));
        foreach (string name in globalPropertyNames.Order(StringComparer.Ordinal))
            if (UnknownProperty(name, known) is { } suggestion)
                warnings.Add(Diag.Error(nameof(Strings.SettingUnknownProperty), name, suggestion));

        foreach (var item in map.Items.Where(i => i.ItemType.StartsWith(KnownSettings.Prefix, StringComparison.Ordinal)))
        {
            if (!known.IsItemType(item.ItemType))
            {
                if (known.SuggestItemType(item.ItemType) is { } type)
                    warnings.Add(Diag.At(item.Location.File, item.Location.Line, nameof(Strings.SettingUnknownItemType), item.ItemType, type));
                continue;
            }
            var metadataNames = known.MetadataOf(item.ItemType);
            foreach (var metadata in item.Metadata)
            {
                if (metadataNames.Contains(metadata.Name, StringComparer.Ordinal))
                    continue;
                string? suggestion = known.SuggestMetadata(item.ItemType, metadata.Name);
                if (metadata.Name == "Label" && metadata.IsMSBuildAttribute)
                    warnings.Add(Diag.At(metadata.Location.File, metadata.Location.Line, nameof(Strings.SettingItemLabelAttribute),
                        item.ItemType, item.Spec, suggestion ?? string.Join(", ", metadataNames)));
                else if (!metadata.IsMSBuildAttribute)
                    warnings.Add(Diag.At(metadata.Location.File, metadata.Location.Line, nameof(Strings.SettingUnknownItemMetadata),
                        item.ItemType, item.Spec, metadata.Name,
                        suggestion is null ? "" : $"Did you mean '{suggestion}'? ", string.Join(", ", metadataNames)));
            }
        }
        return warnings;
    }

    /// <summary>The known property an unknown Cc property is close to, or null (known, not Cc, or close to nothing:
    /// a project may define Cc properties of its own).</summary>
    private static string? UnknownProperty(string name, KnownSettings known) =>
        name.StartsWith(KnownSettings.Prefix, StringComparison.Ordinal) && !known.IsProperty(name)
            ? known.SuggestProperty(name)
            : null;
}
