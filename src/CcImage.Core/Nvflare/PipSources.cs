// Where pip finds packages, from CcPipIndexUrl, CcPipExtraIndexUrl and CcPipFindLinks: pip's own arguments for them
// (a local wheelhouse is shown inside the tree read-only at a scratch path; with a wheelhouse and no index URL, pip gets
// --no-index and never asks an index), what of them enters a cache manifest (URLs without credentials, a wheelhouse by
// its files' content, never a machine path), and the credentials to mask in every log line. With none of them set pip
// asks its default index.
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Layout;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Nvflare;

public sealed record PipSources
{
    /// <summary>Where a local wheelhouse appears inside the tree while pip runs.</summary>
    public const string WheelhouseInTree = Pipeline.StageLayerSession.ScratchFolder + "/wheelhouse";

    public string? IndexUrl { get; init; }
    public IReadOnlyList<string> ExtraIndexUrls { get; init; } = [];

    /// <summary>A wheelhouse folder on the build machine, or an http(s) URL pip reads links from.</summary>
    public string? FindLinks { get; init; }

    public bool FindLinksIsFolder => FindLinks != null && !IsUrl(FindLinks);

    /// <summary>The sources of the project's settings; CCIMG4309 when a wheelhouse folder does not exist.</summary>
    public static PipSources From(ImageProject project)
    {
        var s = project.Settings;
        string? findLinks = s.Optional("CcPipFindLinks");
        if (findLinks != null && !IsUrl(findLinks))
        {
            findLinks = Path.GetFullPath(findLinks, project.ProjectDirectory);
            if (!Directory.Exists(findLinks))
                throw Diag.Error(nameof(Strings.PipFindLinksMissing), findLinks);
        }
        return new PipSources
        {
            IndexUrl = s.Optional("CcPipIndexUrl"),
            ExtraIndexUrls = PartitionLayout.SplitList(s["CcPipExtraIndexUrl"]).Where(u => u.Length > 0).ToList(),
            FindLinks = findLinks,
        };
    }

    /// <summary>pip install's arguments for these sources (the wheelhouse at <see cref="WheelhouseInTree"/>).</summary>
    public IReadOnlyList<string> Arguments()
    {
        var args = new List<string>();
        if (IndexUrl != null)
            args.AddRange(["--index-url", IndexUrl]);
        else if (FindLinks != null)
            args.Add("--no-index");
        foreach (string extra in ExtraIndexUrls)
            args.AddRange(["--extra-index-url", extra]);
        if (FindLinks != null)
            args.AddRange(["--find-links", FindLinksIsFolder ? WheelhouseInTree : FindLinks]);
        return args;
    }

    /// <summary>Adds what of the sources can change what pip installs: URLs without credentials, the wheelhouse's files.</summary>
    public CacheManifest AddTo(CacheManifest manifest) => manifest
        .Add("pip-index", IndexUrl is { } i ? Redact(i) : "")
        .Add("pip-extra-index", string.Join(" ", ExtraIndexUrls.Select(Redact)))
        .Add("pip-find-links", FindLinks == null ? "" : FindLinksIsFolder ? "tree:" + TreeFingerprint.Compute(FindLinks) : Redact(FindLinks));

    /// <summary>Credentials found in the URLs (user:password@), to be masked wherever a command line is shown.</summary>
    public IEnumerable<string> Secrets() =>
        new[] { IndexUrl, FindLinks }.Concat(ExtraIndexUrls).OfType<string>().SelectMany(UrlSecrets);

    /// <summary>Whether any source is reached over the network (then pip needs name resolution inside the tree).</summary>
    public bool UsesNetwork => FindLinks == null || IndexUrl != null || ExtraIndexUrls.Count > 0 || !FindLinksIsFolder;

    public static bool IsUrl(string text) =>
        text.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>A URL without its user information (<c>https://user:token@host/simple</c> → <c>https://host/simple</c>).</summary>
    public static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.UserInfo.Length > 0
            ? url.Replace(uri.UserInfo + "@", "", StringComparison.Ordinal)
            : url;

    /// <summary>The user information of <paramref name="url"/> and its password part, when it has any.</summary>
    public static IEnumerable<string> UrlSecrets(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length == 0)
            yield break;
        yield return uri.UserInfo;
        string decoded = Uri.UnescapeDataString(uri.UserInfo);
        if (decoded != uri.UserInfo)
            yield return decoded;
        int colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
        if (colon >= 0 && colon + 1 < uri.UserInfo.Length)
            yield return uri.UserInfo[(colon + 1)..];
    }
}
