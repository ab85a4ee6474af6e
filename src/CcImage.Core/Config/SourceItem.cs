// One item element in a project file (`<CcPartition Include="data" Size="4M" />`), its metadata and where it is.
// Spec is the Include (or Update/Remove) value; an item definition (ItemDefinitionGroup) has an empty one.
namespace CcImage.Core.Config;

public sealed record SourceItem(string ItemType, string Spec, SourceLocation Location, IReadOnlyList<SourceItemMetadata> Metadata)
{
    /// <summary>Whether <paramref name="identity"/> is one of the ';'-separated names in <see cref="Spec"/>.</summary>
    public bool Names(string identity) =>
        Spec.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Contains(identity, StringComparer.Ordinal);
}
