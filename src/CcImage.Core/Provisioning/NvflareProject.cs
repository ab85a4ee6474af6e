// An NVFlare project.yml as far as confidential sites are concerned: the project's name and its participants; the
// builders and packager sections are NVFlare's business and are not read.
namespace CcImage.Core.Provisioning;

public sealed record NvflareProject(string File, string Name, IReadOnlyList<NvflareParticipant> Participants)
{
    /// <summary>The participants with a cc_config, in the file's order.</summary>
    public IEnumerable<NvflareParticipant> CcParticipants => Participants.Where(p => p.CcConfig != null);
}
