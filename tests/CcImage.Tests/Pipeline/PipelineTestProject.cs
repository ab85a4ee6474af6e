// Builds Core ImageProjects for pipeline tests from partition items and settings, with a private stage cache and
// output folders under one scratch folder.
using CcImage.Core.Config;
using CcImage.Core.Pipeline;

namespace CcImage.Tests.Pipeline;

internal static class PipelineTestProject
{
    public static ImageProject Create(string dir, IEnumerable<ProjectItem> partitions, string? cache = null,
        params (string Name, string Value)[] settings)
    {
        var values = new List<KeyValuePair<string, string?>>
        {
            new("CcOutputDir", Path.Combine(dir, "bin") + "/"),
            new("CcIntermediateDir", Path.Combine(dir, "obj") + "/"),
            new("CcCacheDirectory", cache ?? Path.Combine(dir, "cache")),
            new("CcImageSeed", "pipeline-test"),
            new("CcSourceDateEpoch", "1700000000"),
        };
        values.AddRange(settings.Select(s => new KeyValuePair<string, string?>(s.Name, s.Value)));
        return new ImageProject
        {
            ProjectPath = Path.Combine(dir, "site.ccproj"),
            Settings = new ProjectSettings(values),
            Items = new Dictionary<string, IReadOnlyList<ProjectItem>> { ["CcPartition"] = partitions.ToList() },
        };
    }

    public static ProjectItem Partition(string name, params (string Key, string Value)[] metadata) =>
        new(name, metadata.ToDictionary(m => m.Key, m => m.Value));
}
