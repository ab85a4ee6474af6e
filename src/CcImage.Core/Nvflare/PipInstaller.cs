// Runs pip inside the image's tree with the image's own Python and nothing of the build machine's: the virtual
// environment's interpreter through ChrootSession (a clean environment: no PYTHONPATH, no PIP_* variables, no user or
// site configuration — PIP_CONFIG_FILE=/dev/null), no cache, no bytecode (the files pip writes are the wheels' files,
// so the tree packs to the same bytes every time), and the sources of PipSources. Every line pip prints ("Collecting
// …", "Downloading …", "Installing collected packages …") streams into the build log as it comes. The build machine's
// resolver configuration and proxy settings are lent to the tree only while pip runs and only when a source is remote.
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Nvflare;

public static class PipInstaller
{
    private const string HostResolvConf = "/etc/resolv.conf";
    private const string ResolvConfInTree = "/etc/resolv.conf";

    /// <summary>The proxy variables pip honours, passed through from the build machine when set.</summary>
    private static readonly string[] ProxyVariables = ["http_proxy", "https_proxy", "no_proxy", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY"];

    /// <summary>The environment pip runs with inside the tree.</summary>
    public static IReadOnlyDictionary<string, string> Environment(StageLayerSession session)
    {
        var environment = new Dictionary<string, string>
        {
            ["PIP_CONFIG_FILE"] = "/dev/null",
            ["PIP_NO_CACHE_DIR"] = "1",
            ["PIP_NO_COMPILE"] = "1",
            ["PIP_DISABLE_PIP_VERSION_CHECK"] = "1",
            ["PIP_NO_INPUT"] = "1",
            ["PIP_ROOT_USER_ACTION"] = "ignore",
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PYTHONNOUSERSITE"] = "1",
            ["SOURCE_DATE_EPOCH"] = session.Context.Project.SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (string name in ProxyVariables)
            if (System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                environment[name] = value;
                foreach (string secret in PipSources.UrlSecrets(value))
                    session.AddSecret(secret);
            }
        return environment;
    }

    /// <summary>Makes the sources reachable inside the tree: the wheelhouse read-only, and name resolution when needed.</summary>
    public static void Prepare(StageLayerSession session, PipSources sources, bool network)
    {
        foreach (string secret in sources.Secrets())
            session.AddSecret(secret);
        if (sources.FindLinksIsFolder && !Directory.Exists(session.HostPath(PipSources.WheelhouseInTree)))
            session.BindReadOnly(sources.FindLinks!, PipSources.WheelhouseInTree);
        if (network && File.Exists(HostResolvConf) && Cpio.UnixFileStatus.TryGet(session.HostPath(ResolvConfInTree)) == null)
        {
            session.BindReadOnly(HostResolvConf, ResolvConfInTree);
            session.RemoveAfterClose(ResolvConfInTree);
        }
    }

    /// <summary>
    /// Runs <c>pip install</c> with <paramref name="arguments"/> (requirements, -r FILE) and the sources; a failure is
    /// CCIMG4303 naming <paramref name="what"/> and pip's last lines.
    /// </summary>
    public static void Install(StageLayerSession session, string python, PipSources sources, IReadOnlyList<string> arguments, string what)
    {
        var command = new List<string> { python, "-m", "pip", "install", "--no-cache-dir", "--no-compile", "--progress-bar", "off" };
        command.AddRange(sources.Arguments());
        command.AddRange(arguments);
        session.Log.Info($"{session.Step}: pip install {what}");
        var result = session.Run(command, Environment(session), allowFailure: true, prefix: "  pip: ");
        if (result.ExitCode != 0)
            throw Diag.Error(nameof(Strings.PipInstallFailed), what, Describe(sources), LastLines(result.StandardError + "\n" + result.StandardOutput, session));
    }

    /// <summary>The sources in words for an error (URLs without credentials, the wheelhouse's path).</summary>
    public static string Describe(PipSources sources)
    {
        var parts = new List<string>();
        if (sources.IndexUrl != null)
            parts.Add("index " + PipSources.Redact(sources.IndexUrl));
        parts.AddRange(sources.ExtraIndexUrls.Select(u => "extra index " + PipSources.Redact(u)));
        if (sources.FindLinks != null)
            parts.Add((sources.FindLinksIsFolder ? "wheelhouse " : "links ") + PipSources.Redact(sources.FindLinks));
        if (sources.IndexUrl == null && sources.FindLinks == null)
            parts.Add("pip's default index");
        else if (sources.IndexUrl == null)
            parts.Add("no index");
        return string.Join(", ", parts);
    }

    private static string LastLines(string text, StageLayerSession session)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("ERROR", StringComparison.Ordinal) || l.Contains("error", StringComparison.OrdinalIgnoreCase)).ToList();
        if (lines.Count == 0)
            lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).TakeLast(3).ToList();
        string joined = string.Join(" | ", lines.TakeLast(4));
        foreach (string secret in session.Context.Runner.Secrets.Where(s => s.Length > 0))
            joined = joined.Replace(secret, "***", StringComparison.Ordinal);
        return joined;
    }
}
