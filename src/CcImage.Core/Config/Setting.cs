// One CcImage project setting (an MSBuild property of a .ccproj): its name, default, what it means, which pipeline
// steps read it and how its value is checked. SettingsTable lists them all.
namespace CcImage.Core.Config;

public sealed record Setting(string Name, string Default, SettingKind Kind, PipelineSteps Steps, string Description)
{
    /// <summary>For <see cref="SettingKind.Choice"/>: the accepted values (compared ignoring case).</summary>
    public IReadOnlyList<string> Choices { get; init; } = [];

    /// <summary>True when the SDK completes an empty default from other properties (paths, the seed, the epoch).</summary>
    public bool ComputedDefault { get; init; }
}
