// The values of a project's settings after defaults: read from MSBuild properties (the tasks), from an evaluated
// project (`ccimage build`) or from a cc_config mapping, and checked against the settings table. Every error names the
// property that fixes it.
using System.Globalization;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Config;

public sealed class ProjectSettings
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <param name="values">Setting name → value; empty or missing values take the table's default.</param>
    public ProjectSettings(IEnumerable<KeyValuePair<string, string?>> values)
    {
        foreach (var (name, value) in values)
            if (!string.IsNullOrWhiteSpace(value))
                _values[name] = value.Trim();
    }

    /// <summary>The value of <paramref name="name"/>, or its default ("" when it has none).</summary>
    public string this[string name] =>
        _values.TryGetValue(name, out string? v) ? v : SettingsTable.Get(name).Default;

    /// <summary>The value, or null when it is empty.</summary>
    public string? Optional(string name) => this[name] is { Length: > 0 } v ? v : null;

    /// <summary>The value; an empty one is CCIMG1001 naming the property and <paramref name="purpose"/>.</summary>
    public string Required(string name, string purpose) =>
        Optional(name) ?? throw Diag.Error(nameof(Strings.RequiredPropertyMissing), name, purpose);

    public bool Boolean(string name) =>
        bool.TryParse(this[name], out bool b) ? b : throw Diag.Error(nameof(Strings.SettingNotBoolean), name, this[name]);

    public long Number(string name) =>
        long.TryParse(this[name], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long n)
            ? n : throw Diag.Error(nameof(Strings.SettingNotInteger), name, this[name]);

    public long Size(string name) => SizeParser.Parse(this[name], name);

    /// <summary>A size, or null when the setting is empty.</summary>
    public long? OptionalSize(string name) => Optional(name) is { } text ? SizeParser.Parse(text, name) : null;

    /// <summary>The value of a Choice setting in the spelling of the table.</summary>
    public string Choice(string name)
    {
        var setting = SettingsTable.Get(name);
        string value = this[name];
        return setting.Choices.FirstOrDefault(c => c.Equals(value, StringComparison.OrdinalIgnoreCase))
            ?? throw Diag.Error(nameof(Strings.SettingNotChoice), name, value, string.Join(", ", setting.Choices));
    }

    /// <summary>A path setting made absolute against <paramref name="baseDirectory"/>, or null when empty.</summary>
    public string? Path(string name, string baseDirectory) =>
        Optional(name) is { } p ? System.IO.Path.GetFullPath(p, baseDirectory) : null;

    /// <summary>Checks every non-empty value against its kind, so a typo fails before any work starts.</summary>
    public void Validate()
    {
        foreach (var setting in SettingsTable.All)
        {
            if (Optional(setting.Name) is not { } value)
                continue;
            switch (setting.Kind)
            {
                case SettingKind.Boolean: Boolean(setting.Name); break;
                case SettingKind.Number: Number(setting.Name); break;
                case SettingKind.Size: Size(setting.Name); break;
                case SettingKind.Choice: Choice(setting.Name); break;
                case SettingKind.Sha256:
                    if (value.Length != 64 || !value.All(Uri.IsHexDigit))
                        throw Diag.Error(nameof(Strings.SettingNotSha256), setting.Name, value);
                    break;
            }
        }
    }
}
