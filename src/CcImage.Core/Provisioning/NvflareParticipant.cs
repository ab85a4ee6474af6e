// One participant of an NVFlare project.yml: its name, type (server, client, admin, ...) and, for a confidential site,
// the absolute path of its cc_config.
namespace CcImage.Core.Provisioning;

public sealed record NvflareParticipant(string Name, string Type)
{
    /// <summary>The cc_config file (absolute), or null for a participant without confidential computing.</summary>
    public string? CcConfig { get; init; }

    public int Line { get; init; }
}
