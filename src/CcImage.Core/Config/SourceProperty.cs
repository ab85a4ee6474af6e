// One property element in a project file (`<CcRole>client</CcRole>` inside a PropertyGroup) and where it is.
namespace CcImage.Core.Config;

public sealed record SourceProperty(string Name, string Value, SourceLocation Location);
