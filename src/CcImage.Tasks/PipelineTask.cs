// Base of the tasks that run a pipeline step: maps the project's settings (the _CcSetting items the SDK builds from
// the settings table) and its Cc* items onto a Core ImageProject, so every step sees the project exactly as
// `ccimage build` does.
using CcImage.Core.Config;
using CcImage.Core.Pipeline;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public abstract class PipelineTask : CcTask
{
    /// <summary>One item per setting: Include is the property name, metadata Value its value.</summary>
    [Required]
    public ITaskItem[] Settings { get; set; } = [];

    [Required]
    public string ProjectPath { get; set; } = "";

    public ITaskItem[] Partitions { get; set; } = [];
    public ITaskItem[] Packages { get; set; } = [];
    public ITaskItem[] Debs { get; set; } = [];
    public ITaskItem[] Files { get; set; } = [];
    public ITaskItem[] AllowedPorts { get; set; } = [];

    /// <summary>The project as Core sees it.</summary>
    protected ImageProject Project => new()
    {
        ProjectPath = ProjectPath,
        Settings = new ProjectSettings(Settings.Select(s => new KeyValuePair<string, string?>(s.ItemSpec, s.GetMetadata("Value")))),
        Items = new Dictionary<string, IReadOnlyList<ProjectItem>>
        {
            ["CcPartition"] = Partitions.Select(ToItem).ToList(),
            ["CcPackage"] = Packages.Select(ToItem).ToList(),
            ["CcDeb"] = Debs.Select(ToItem).ToList(),
            ["CcFile"] = Files.Select(ToItem).ToList(),
            ["CcAllowedPort"] = AllowedPorts.Select(ToItem).ToList(),
        },
    };

    private static ProjectItem ToItem(ITaskItem item)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in item.CloneCustomMetadata())
            metadata[(string)e.Key] = (string?)e.Value ?? "";
        string file = item.GetMetadata("DefiningProjectFullPath");
        return new ProjectItem(item.ItemSpec, metadata) { File = file.Length > 0 ? file : null };
    }
}
