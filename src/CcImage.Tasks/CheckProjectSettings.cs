// MSBuild task: warns about what MSBuild would silently ignore in the user's project files — a Cc property or item
// type close to a known one, item metadata CcImage does not read, Label= on a Cc item (ProjectSettingsCheck). Writes
// Stamp only when it found nothing, so the check repeats on every build until the project is fixed.
using CcImage.Core.Config;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class CheckProjectSettings : CcTask
{
    /// <summary>The SDK package folder (its Sdk/, build/ and docs/properties.md name the known settings).</summary>
    [Required]
    public string SdkDirectory { get; set; } = "";

    /// <summary>Touched when the check found nothing.</summary>
    [Required]
    public string Stamp { get; set; } = "";

    protected override void ExecuteCore()
    {
        var known = KnownSettings.Load(SdkDirectory);
        var globals = (BuildEngine as IBuildEngine6)?.GetGlobalProperties().Keys ?? [];
        var warnings = ProjectSettingsCheck.Run(SourceMap, known, globals);
        foreach (var warning in warnings)
            LogWarning(warning);
        if (warnings.Count == 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(Stamp))!);
            File.WriteAllText(Stamp, "");
        }
        else if (File.Exists(Stamp))
        {
            File.Delete(Stamp);
        }
    }
}
