// One item of a project (an MSBuild item such as CcPartition or CcPackage): its Include, its metadata and, where known,
// the file and line that declared it, so errors can point at the user's line. Front-agnostic: the tasks, `ccimage
// build` and the cc_config mapping all produce these.
namespace CcImage.Core.Pipeline;

public sealed record ProjectItem(string Include, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The project file that declared the item, when known.</summary>
    public string? File { get; init; }

    /// <summary>The 1-based line of the declaration in <see cref="File"/>, or 0.</summary>
    public int Line { get; init; }

    /// <summary>The metadata value, or null when it is missing or blank.</summary>
    public string? Get(string name) =>
        Metadata.TryGetValue(name, out string? v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

    /// <summary>An item with no metadata.</summary>
    public static ProjectItem Plain(string include) => new(include, new Dictionary<string, string>());
}
