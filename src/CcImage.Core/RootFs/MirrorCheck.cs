// The checks a root filesystem build makes against the mirror before mmdebstrap starts, so a typo or a moved mirror
// fails in seconds with a coded error instead of minutes into a build: apt-get update into a private apt state (its own
// sources list naming only the build's mirror, lists, cache, empty dpkg status and the lock's pins; the machine's apt
// state is untouched) tells an unreachable mirror (CCIMG4102), a missing suite (CCIMG4104) and a keyring that does not
// sign the mirror (CCIMG4112) apart; `apt-get --simulate install` of the requested packages then names unknown packages
// (CCIMG4100), locked versions the mirror lacks (CCIMG4101) and packages that cannot be installed together (CCIMG4113).
// apt's messages are those of apt 2.x (apt-pkg/acquire-item.cc, cmdline/apt-get.cc).
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.RootFs;

internal sealed partial class MirrorCheck
{
    private static readonly TimeSpan UpdateTimeout = TimeSpan.FromMinutes(10);
    private const int ReasonLines = 4;

    [GeneratedRegex("^E: Unable to locate package (?<name>\\S+)$")]
    private static partial Regex UnknownPackage();

    [GeneratedRegex("^E: Version '(?<version>[^']+)' for '(?<name>[^']+)' was not found$")]
    private static partial Regex UnknownVersion();

    [GeneratedRegex("^E: Package '(?<name>[^']+)' has no installation candidate$")]
    private static partial Regex NoCandidate();

    [GeneratedRegex("^Inst (?<name>\\S+) \\((?<version>\\S+) .*\\[(?<arch>[^\\]]+)\\]\\)")]
    private static partial Regex InstallLine();

    private readonly ToolRunner _runner;
    private readonly ILog _log;
    private readonly RootFsSpec _spec;
    private readonly RootFsSources _sources;
    private readonly List<string> _options;
    private readonly string _lists;

    /// <param name="directory">An empty folder for the private apt state.</param>
    /// <param name="preferences">apt preferences (the lock's pins), or null.</param>
    public MirrorCheck(ToolRunner runner, ILog log, RootFsSpec spec, RootFsSources sources, string directory, string? preferences)
    {
        _runner = runner;
        _log = log;
        _spec = spec;
        _sources = sources;
        string lists = Path.Combine(directory, "lists");
        _lists = lists;
        string cache = Path.Combine(directory, "cache");
        string parts = Path.Combine(directory, "sources.list.d");
        string preferenceParts = Path.Combine(directory, "preferences.d");
        foreach (string d in new[] { Path.Combine(lists, "partial"), Path.Combine(cache, "archives", "partial"), parts, preferenceParts })
            Directory.CreateDirectory(d);
        string sourcesList = Path.Combine(directory, "sources.list");
        File.WriteAllText(sourcesList, RootFsHooks.SourcesLine(spec, sources) + "\n");
        string status = Path.Combine(directory, "status");
        File.WriteAllText(status, "");
        string preferencesFile = Path.Combine(directory, "preferences");
        File.WriteAllText(preferencesFile, preferences ?? "");
        _options =
        [
            "-o", $"Dir::Etc::SourceList={sourcesList}",
            "-o", $"Dir::Etc::SourceParts={parts}",
            "-o", $"Dir::Etc::Preferences={preferencesFile}",
            "-o", $"Dir::Etc::PreferencesParts={preferenceParts}",
            "-o", $"Dir::State::Lists={lists}",
            "-o", $"Dir::State::status={status}",
            "-o", $"Dir::Cache={cache}",
            "-o", $"APT::Architecture={spec.Architecture}",
            "-o", $"APT::Architectures={spec.Architecture}",
            "-o", "Acquire::Languages=none",
            // Only the package indexes: no AppStream metadata, whatever the machine's apt.conf.d enables.
            "-o", "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false",
            "-o", "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false",
            "-o", "Acquire::IndexTargets::deb::DEP-11-icons-small::DefaultEnabled=false",
            "-o", "Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false",
            "-o", "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false",
            "-o", "APT::Sandbox::User=root",
            "-q",
        ];
    }

    /// <summary>The verified indexes (InRelease and Packages files) apt-get update wrote; mmdebstrap's own update reuses them.</summary>
    public IReadOnlyList<string> IndexFiles =>
        Directory.GetFiles(_lists, "*_InRelease").Concat(Directory.GetFiles(_lists, "*_Packages*")).Order(StringComparer.Ordinal).ToList();

    /// <summary>Downloads the mirror's package indexes; CCIMG4102, CCIMG4104 or CCIMG4112 when that fails.</summary>
    public void Update(CancellationToken cancellationToken)
    {
        _log.Info($"Checking the mirror {_sources.Mirror} ({_spec.Suite})");
        var result = _runner.Run(HostTool.AptGet, [.. _options, "update"], timeout: UpdateTimeout, allowFailure: true,
            cancellationToken: cancellationToken);
        var lines = Lines(result.StandardOutput + "\n" + result.StandardError);
        string Reason(Func<string, bool> pick) => string.Join(" | ", lines.Where(pick).Take(ReasonLines));
        bool signature = lines.Any(l => l.Contains("NO_PUBKEY", StringComparison.Ordinal) || l.Contains("is not signed", StringComparison.Ordinal)
                                        || l.Contains("EXPKEYSIG", StringComparison.Ordinal) || l.Contains("BADSIG", StringComparison.Ordinal));
        if (signature)
            throw Diag.Error(nameof(Strings.RootFsSignatureInvalid), _sources.Mirror, _spec.Suite, _sources.Keyring,
                Reason(l => l.StartsWith("W: GPG", StringComparison.Ordinal) || l.StartsWith("E:", StringComparison.Ordinal)));
        if (lines.Any(l => l.Contains("does not have a Release file", StringComparison.Ordinal)))
            throw Diag.Error(nameof(Strings.RootFsSuiteNotFound), _sources.Mirror, _spec.Suite,
                Reason(l => l.StartsWith("E:", StringComparison.Ordinal) || l.Contains("404", StringComparison.Ordinal)));
        bool fetchFailed = lines.Any(l => l.Contains("Failed to fetch", StringComparison.Ordinal)
                                          || l.Contains("failed to download", StringComparison.Ordinal));
        bool haveIndex = Directory.GetFiles(_lists, "*_Packages*").Length > 0;
        if (result.ExitCode != 0 || fetchFailed || !haveIndex)
        {
            string reason = Reason(l => l.StartsWith("W: Failed", StringComparison.Ordinal) || l.StartsWith("E:", StringComparison.Ordinal)
                                        || l.StartsWith("Err:", StringComparison.Ordinal) || l.StartsWith("  ", StringComparison.Ordinal));
            throw Diag.Error(nameof(Strings.RootFsMirrorUnreachable), _sources.Mirror,
                reason.Length > 0 ? reason : $"apt-get update exited with {result.ExitCode} and downloaded no package index");
        }
    }

    /// <summary>
    /// Simulates installing <paramref name="requests"/> (names, name=version, paths of .deb files) and returns what apt
    /// would install. <paramref name="locked"/>: the requests come from the package lock (CCIMG4101 for a missing version).
    /// </summary>
    public List<LockedPackage> Simulate(IReadOnlyCollection<string> requests, bool locked, CancellationToken cancellationToken)
    {
        if (requests.Count == 0)
            return [];
        var result = _runner.Run(HostTool.AptGet, [.. _options, "--simulate", "--no-install-recommends", "install", .. requests],
            allowFailure: true, cancellationToken: cancellationToken);
        var lines = Lines(result.StandardOutput + "\n" + result.StandardError);
        foreach (string line in lines)
        {
            if (UnknownVersion().Match(line) is { Success: true } v)
            {
                string name = v.Groups["name"].Value, version = v.Groups["version"].Value;
                if (locked)
                    throw Diag.Error(nameof(Strings.RootFsLockedVersionMissing), name, version, _sources.Mirror, _spec.Suite, line[3..]);
                throw Unknown(name, $"it has no version {version}");
            }
            if (UnknownPackage().Match(line) is { Success: true } u)
            {
                string name = u.Groups["name"].Value;
                if (locked)
                {
                    string version = requests.FirstOrDefault(r => RootFsNames.PackageOf(r) == name)?.Split('=').ElementAtOrDefault(1) ?? "?";
                    throw Diag.Error(nameof(Strings.RootFsLockedVersionMissing), name, version, _sources.Mirror, _spec.Suite, "the package is gone");
                }
                throw Unknown(name, "apt knows no package by that name");
            }
            if (NoCandidate().Match(line) is { Success: true } c)
            {
                string alternatives = string.Join(", ", AlternativesAfter(lines, line));
                throw Unknown(c.Groups["name"].Value, alternatives.Length > 0
                    ? "it is a virtual package; name one that provides it: " + alternatives
                    : "it has no installable version");
            }
        }
        if (result.ExitCode != 0)
        {
            var unmet = lines.SkipWhile(l => !l.Contains("unmet dependencies", StringComparison.Ordinal)).Skip(1)
                .TakeWhile(l => l.StartsWith(' ')).Select(l => l.Trim()).Take(ReasonLines).ToList();
            string reason = unmet.Count > 0 ? string.Join(" | ", unmet) : string.Join(" | ", lines.Where(l => l.StartsWith("E:", StringComparison.Ordinal)).Take(ReasonLines));
            throw Diag.Error(nameof(Strings.RootFsUnresolvable), _sources.Mirror, _spec.Suite, reason);
        }
        return lines.Select(l => InstallLine().Match(l)).Where(m => m.Success)
            .Select(m => new LockedPackage(m.Groups["name"].Value, m.Groups["version"].Value, m.Groups["arch"].Value)).ToList();
    }

    private CcImageException Unknown(string name, string reason) =>
        Diag.Error(nameof(Strings.RootFsUnknownPackage), name, _sources.Distribution.Name, _spec.Suite, _sources.Mirror, reason);

    // apt lists the providers of a virtual package as indented lines before its "no installation candidate" error.
    private static IEnumerable<string> AlternativesAfter(List<string> lines, string errorLine)
    {
        int end = lines.IndexOf(errorLine);
        return lines.Take(end).Reverse().SkipWhile(l => l.Length == 0).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal))
            .Select(l => l.Trim().Split(' ')[0]).Reverse().Take(ReasonLines);
    }

    private static List<string> Lines(string text) =>
        text.Replace("\r", "", StringComparison.Ordinal).Split('\n').Select(l => l.TrimEnd()).ToList();
}
