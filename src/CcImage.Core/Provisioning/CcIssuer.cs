// One entry of a cc_config's cc_issuers: an NVFlare authorizer (id, the Python class path, how long its tokens live and
// its constructor arguments, kept as JSON for the site's attestation configuration).
using System.Text.Json.Nodes;

namespace CcImage.Core.Provisioning;

public sealed record CcIssuer(string Id, string Path)
{
    /// <summary>Seconds a token lives (token_expiration), when given.</summary>
    public long? TokenExpiration { get; init; }

    /// <summary>The constructor arguments (args), as JSON; an empty object when none are given.</summary>
    public JsonObject Args { get; init; } = [];

    public int Line { get; init; }
}
