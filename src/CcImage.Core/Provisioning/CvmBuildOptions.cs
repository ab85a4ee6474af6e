// How `ccimage build-cvm` runs beyond the cc_config: the site's name, the folder for work files and bundles, and
// settings that override the mapping's defaults (-p, CCIMAGE_CVM_PROPERTIES).
namespace CcImage.Core.Provisioning;

public sealed record CvmBuildOptions
{
    /// <summary>The environment variable naming the folder of work files and bundles.</summary>
    public const string DirectoryVariable = "CCIMAGE_CVM_DIR";

    /// <summary>The environment variable with settings for every build, Name=Value separated by ';'.</summary>
    public const string PropertiesVariable = "CCIMAGE_CVM_PROPERTIES";

    /// <summary>The site's name; null: the startup kit folder's name (user_config nvflare), else the YAML's name.</summary>
    public string? SiteName { get; init; }

    /// <summary>The folder of work files and bundles; null: $CCIMAGE_CVM_DIR, else $XDG_STATE_HOME/ccimage/cvm
    /// (~/.local/state/ccimage/cvm).</summary>
    public string? Directory { get; init; }

    /// <summary>Settings given on the command line (-p Name=Value), applied after CCIMAGE_CVM_PROPERTIES.</summary>
    public IReadOnlyList<string> Properties { get; init; } = [];

    /// <summary>The default of <see cref="Directory"/>.</summary>
    public static string DefaultDirectory()
    {
        string? given = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (!string.IsNullOrWhiteSpace(given))
            return Path.GetFullPath(given);
        string? state = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        string baseDir = !string.IsNullOrEmpty(state) && Path.IsPathRooted(state)
            ? state
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "state");
        return Path.Combine(baseDir, "ccimage", "cvm");
    }
}
