// Picks the line of the user's project a diagnostic is about. Every CcImage message names the setting that fixes it
// (a property, or an item by its quoted name and the metadata to change), so the line is found from the message:
// the item element and, when the message names one of its metadata, that metadata's line; else the last line that
// sets a property the message names; else the project element. A location Core already knows (a file and line it was
// reading) wins over all of these.
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Config;

public static partial class DiagnosticLocator
{
    /// <summary>Where <paramref name="error"/> points in the files of <paramref name="map"/>; null when the map has no files.</summary>
    public static SourceLocation? Locate(CcImageException error, ProjectSourceMap map)
    {
        if (error.File != null && error.Line > 0)
            return new SourceLocation(error.File, error.Line);
        // A file without a line (an item whose defining project Core knows, not its line): the message finds the line.
        return Locate(error.Message, map) ?? (error.File != null ? new SourceLocation(error.File, 0) : null);
    }

    /// <summary>Where a message that names settings points in the files of <paramref name="map"/>.</summary>
    public static SourceLocation? Locate(string message, ProjectSourceMap map)
    {
        var words = new HashSet<string>(Word().Matches(message).Select(m => m.Value), StringComparer.Ordinal);
        foreach (var item in map.Items.Where(i => i.Spec.Length > 0))
        {
            foreach (string name in item.Spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!message.Contains($"'{name}'", StringComparison.Ordinal))
                    continue;
                var metadata = item.Metadata.FirstOrDefault(m => !m.IsMSBuildAttribute && words.Contains(m.Name));
                return metadata?.Location ?? item.Location;
            }
        }
        var property = map.Properties.LastOrDefault(p => p.Name.StartsWith(KnownSettings.Prefix, StringComparison.Ordinal) && words.Contains(p.Name));
        return property?.Location ?? map.ProjectElement;
    }

    [GeneratedRegex(@"\w+")]
    private static partial Regex Word();
}
