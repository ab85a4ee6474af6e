// What an ACI build wrote: the four files under aci/ and the facts a caller lists in manifest.json.
namespace CcImage.Core.Aci;

public sealed record AciBuildResult(
    string ImageArchive,
    string Template,
    string PolicyRego,
    string DeployScript,
    string ManifestDigest,
    string PolicySha256,
    IReadOnlyList<string> LayerRootHashes)
{
    public IEnumerable<string> Files => [ImageArchive, Template, PolicyRego, DeployScript];
}
