// Reads a .ccproj the way MSBuild sees it, without running any target: `dotnet msbuild -getItem/-getProperty`
// evaluates the project (its SDK, Directory.Build files, conditions and the settings list the SDK builds from the
// settings table) and prints JSON, which becomes the same ImageProject the tasks hand to ImageBuilder. This is how
// `ccimage build` gets the same bytes as `dotnet build`.
using System.Text.Json;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.Pipeline;

public static class ProjectEvaluation
{
    /// <summary>The item list the SDK builds from the settings table (Include: property name, Value: its value).</summary>
    public const string SettingItemType = "_CcSetting";

    /// <summary>The SDK property naming where steps list the files they wrote.</summary>
    public const string FileListProperty = "CcFileListDir";

    private static readonly HashSet<string> WellKnownMetadata = new(StringComparer.OrdinalIgnoreCase)
    {
        "Identity", "FullPath", "RootDir", "Filename", "Extension", "RelativeDir", "Directory", "RecursiveDir",
        "ModifiedTime", "CreatedTime", "AccessedTime", "DefiningProjectFullPath", "DefiningProjectDirectory",
        "DefiningProjectName", "DefiningProjectExtension",
    };

    /// <param name="properties">Global properties, as `-p:Name=Value` on the dotnet command line.</param>
    public static ImageProject Evaluate(string projectPath, IReadOnlyDictionary<string, string> properties, ToolRunner runner,
        CancellationToken cancellationToken)
    {
        string project = Path.GetFullPath(InputFile.Require(projectPath, "PROJECT"));
        var args = new List<string> { "msbuild", project, "-nologo", $"-getItem:{SettingItemType}", $"-getProperty:{FileListProperty}" };
        args.AddRange(ImageProject.ItemTypes.Select(t => "-getItem:" + t));
        args.AddRange(properties.Select(p => $"-p:{p.Key}={p.Value}"));
        var result = runner.Run(HostTool.Dotnet, args, workingDirectory: Path.GetDirectoryName(project),
            allowFailure: true, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
            throw Diag.Error(nameof(Strings.ProjectEvaluationFailed), project, LastLines(result.StandardOutput + result.StandardError));
        return Parse(project, result.StandardOutput);
    }

    /// <summary>The ImageProject of the JSON `dotnet msbuild -getItem` prints.</summary>
    public static ImageProject Parse(string projectPath, string json)
    {
        using var document = JsonDocument.Parse(json);
        var items = document.RootElement.TryGetProperty("Items", out var i) ? i : default;
        IReadOnlyList<ProjectItem> Read(string type) =>
            items.ValueKind == JsonValueKind.Object && items.TryGetProperty(type, out var list)
                ? list.EnumerateArray().Select(ToItem).ToList()
                : [];
        var settings = Read(SettingItemType).Select(s => new KeyValuePair<string, string?>(s.Include, s.Get("Value")));
        string? fileLists = document.RootElement.TryGetProperty("Properties", out var props)
            && props.TryGetProperty(FileListProperty, out var fl) ? fl.GetString() : null;
        return new ImageProject
        {
            ProjectPath = projectPath,
            FileListDirectory = string.IsNullOrEmpty(fileLists) ? null : fileLists,
            Settings = new ProjectSettings(settings),
            Items = ImageProject.ItemTypes.ToDictionary(t => t, Read),
        };
    }

    private static ProjectItem ToItem(JsonElement element)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        string include = "";
        string? file = null;
        foreach (var property in element.EnumerateObject())
        {
            string value = property.Value.GetString() ?? "";
            if (property.Name == "Identity")
                include = value;
            else if (property.Name == "DefiningProjectFullPath")
                file = value;
            else if (!WellKnownMetadata.Contains(property.Name))
                metadata[property.Name] = value;
        }
        return new ProjectItem(include, metadata) { File = file };
    }

    private static string LastLines(string text) =>
        string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(5));
}
