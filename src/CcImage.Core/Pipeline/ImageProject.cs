// Everything one build of a .ccproj needs, independent of the front that read it: the settings, the items by type and
// the project's folders. ImageBuilder runs the pipeline on it.
using CcImage.Core.Config;

namespace CcImage.Core.Pipeline;

public sealed record ImageProject
{
    /// <summary>The item types a project can declare, each documented in docs/properties.md.</summary>
    public static readonly IReadOnlyList<string> ItemTypes = ["CcPartition", "CcPackage", "CcDeb", "CcFile", "CcAllowedPort"];

    public required string ProjectPath { get; init; }

    public required ProjectSettings Settings { get; init; }

    /// <summary>Items by type (CcPartition, CcPackage, ...); a missing type has none.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<ProjectItem>> Items { get; init; } =
        new Dictionary<string, IReadOnlyList<ProjectItem>>();

    public string ProjectDirectory => Path.GetDirectoryName(Path.GetFullPath(ProjectPath))!;

    public string OutputDirectory => Settings.Path("CcOutputDir", ProjectDirectory)
        ?? Path.Combine(ProjectDirectory, "bin") + Path.DirectorySeparatorChar;

    public string IntermediateDirectory => Settings.Path("CcIntermediateDir", ProjectDirectory)
        ?? Path.Combine(ProjectDirectory, "obj") + Path.DirectorySeparatorChar;

    /// <summary>CcCacheDirectory, or the user's cache folder ($XDG_CACHE_HOME or ~/.cache)/ccimage.</summary>
    public string CacheDirectory => Settings.Path("CcCacheDirectory", ProjectDirectory) ?? DefaultCacheDirectory();

    /// <summary>The items of <paramref name="type"/>, in declaration order.</summary>
    public IReadOnlyList<ProjectItem> ItemsOf(string type) => Items.TryGetValue(type, out var list) ? list : [];

    /// <summary>The seed of derived GUIDs: CcImageSeed, else the project's file name.</summary>
    public string Seed => Settings.Optional("CcImageSeed") ?? Path.GetFileNameWithoutExtension(ProjectPath);

    /// <summary>SOURCE_DATE_EPOCH as the build uses it.</summary>
    public uint SourceDateEpoch => Config.SourceDateEpoch.Parse(Settings["CcSourceDateEpoch"]);

    public static string DefaultCacheDirectory()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string baseDir = !string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "ccimage");
    }
}
