// What CvmSite.Prepare maps onto an image project: a checked cc_config, the site's name, the folder its generated
// content goes to, and settings from the caller (folders, the cache, overrides such as CcVcpus).
namespace CcImage.Core.Provisioning;

public sealed record CvmSiteRequest
{
    public required CcConfig Config { get; init; }

    public required string SiteName { get; init; }

    /// <summary>Where the site's generated content lives (the image project's folder).</summary>
    public required string SiteDirectory { get; init; }

    /// <summary>Settings of the caller, applied over the mapping's defaults (never over the settings the mapping owns).</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Where each caller setting came from, for error messages (e.g. "CCIMAGE_CVM_PROPERTIES").</summary>
    public string SettingsSource { get; init; } = "the command line";

    /// <summary>The participant's type in project.yml (server or client), when the site comes from one.</summary>
    public string? ParticipantType { get; init; }

    /// <summary>The project.yml the participant is declared in.</summary>
    public string? ProjectFile { get; init; }
}
