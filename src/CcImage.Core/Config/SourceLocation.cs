// A place in a project file: the file and its 1-based line (0 when unknown), as MSBuild diagnostics carry them.
namespace CcImage.Core.Config;

public sealed record SourceLocation(string File, int Line);
