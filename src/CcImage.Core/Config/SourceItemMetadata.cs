// One attribute or child element of an item element, and where it is. Attributes MSBuild itself reads (Include,
// Condition, Label, ...) are kept too, flagged, so a check can tell `Label=` (MSBuild's element label) from metadata.
namespace CcImage.Core.Config;

public sealed record SourceItemMetadata(string Name, string Value, SourceLocation Location, bool IsMSBuildAttribute);
