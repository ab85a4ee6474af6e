// Fetches one file out of a Debian package from any suite of the machine's Debian mirror (e.g. OVMF.amdsev.fd from
// ovmf-amdsev in sid): a private apt configuration (own sources list with the machine's mirror URI and keyring, own
// lists and cache) so the host's apt state is untouched, `apt-get download` (index signatures and .deb hashes checked
// by apt), `dpkg-deb -x`, and a cache keyed by package name and version. Optional SHA-256 pin of the file.
using CcImage.Core.Hashing;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.Packages;

public sealed class DebianPackageFetcher
{
    /// <summary>Package indexes older than this are refreshed.</summary>
    public static readonly TimeSpan ListsMaxAge = TimeSpan.FromHours(24);

    private readonly ToolRunner _runner;
    private readonly ILog _log;
    private readonly string _cacheRoot;
    private readonly string _aptEtc;

    /// <param name="cacheRoot">Folder for the private apt state and the extracted packages.</param>
    /// <param name="aptEtc">Where the machine's apt configuration is read from (the mirror URI and keyring).</param>
    public DebianPackageFetcher(ToolRunner runner, ILog log, string cacheRoot, string aptEtc = "/etc/apt")
    {
        _runner = runner;
        _log = log;
        _cacheRoot = Path.GetFullPath(cacheRoot);
        _aptEtc = aptEtc;
    }

    /// <summary>
    /// The path of <paramref name="pathInPackage"/> inside <paramref name="package"/> (newest version in
    /// <paramref name="suite"/>, or <paramref name="version"/>), extracted into the cache.
    /// </summary>
    public string FetchFile(string package, string suite, string pathInPackage, string? version = null,
        string? expectedSha256 = null, CancellationToken cancellationToken = default)
    {
        string root = FetchPackage(package, suite, version, cancellationToken, out string resolvedVersion);
        string file = Path.Combine(root, pathInPackage.TrimStart('/'));
        if (!File.Exists(file))
            throw Diag.Error(nameof(Strings.DebianFileNotInPackage), package, resolvedVersion, pathInPackage);
        if (!string.IsNullOrWhiteSpace(expectedSha256))
        {
            string actual = FileHash.Sha256Hex(file);
            if (!actual.Equals(expectedSha256.Trim(), StringComparison.OrdinalIgnoreCase))
                throw Diag.Error(nameof(Strings.DebianSha256Mismatch), pathInPackage, package, resolvedVersion, actual, expectedSha256.Trim());
        }
        return file;
    }

    /// <summary>The folder the package's contents are extracted to (cached by name and version).</summary>
    public string FetchPackage(string package, string suite, string? version, CancellationToken cancellationToken,
        out string resolvedVersion)
    {
        using var held = LockAptDirectory(suite, cancellationToken);
        var apt = PrepareAptConfiguration(suite);
        bool refreshed = RefreshListsIfStale(apt, force: false, cancellationToken);
        string? found = version ?? CandidateVersion(apt, package, cancellationToken);
        if (found == null && !refreshed)
        {
            RefreshListsIfStale(apt, force: true, cancellationToken);
            found = CandidateVersion(apt, package, cancellationToken);
        }
        resolvedVersion = found ?? throw Diag.Error(nameof(Strings.DebianPackageNotFound), package, suite, "no candidate version");

        string target = Path.Combine(_cacheRoot, "packages", Sanitize($"{package}_{resolvedVersion}"));
        if (Directory.Exists(target))
        {
            _log.Detail($"{package} {resolvedVersion}: cached in {target}");
            return target;
        }

        string work = Path.Combine(_cacheRoot, "packages", $".tmp-{Guid.NewGuid():N}");
        Directory.CreateDirectory(work);
        try
        {
            string download = Path.Combine(work, "download");
            string tree = Path.Combine(work, "tree");
            Directory.CreateDirectory(download);
            var result = _runner.Run(HostTool.AptGet, [.. apt.Options, "download", $"{package}={resolvedVersion}"],
                workingDirectory: download, timeout: TimeSpan.FromMinutes(30), allowFailure: true,
                cancellationToken: cancellationToken);
            string[] debs = Directory.GetFiles(download, "*.deb");
            if (result.ExitCode != 0 || debs.Length != 1)
                throw Diag.Error(nameof(Strings.DebianPackageNotFound), package, suite, LastLine(result.StandardError));
            _runner.Run(HostTool.DpkgDeb, ["-x", debs[0], tree], cancellationToken: cancellationToken);
            try
            {
                Directory.Move(tree, target);
            }
            catch (IOException) when (Directory.Exists(target))
            {
                // Another process extracted the same version first; its copy is identical.
            }
            _log.Info($"{package} {resolvedVersion} from {suite} extracted to {target}");
            return target;
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The first package <paramref name="package"/> depends on (e.g. the kernel behind linux-image-amd64).</summary>
    public string? FirstDependency(string package, string suite, CancellationToken cancellationToken = default)
    {
        using var held = LockAptDirectory(suite, cancellationToken);
        var apt = PrepareAptConfiguration(suite);
        RefreshListsIfStale(apt, force: false, cancellationToken);
        var result = _runner.Run(HostTool.AptCache, [.. apt.Options, "show", "--no-all-versions", package],
            allowFailure: true, cancellationToken: cancellationToken);
        string? depends = result.StandardOutput.Split('\n')
            .FirstOrDefault(l => l.StartsWith("Depends:", StringComparison.Ordinal));
        return depends?["Depends:".Length..].Split(',')[0].Split('|')[0].Trim().Split(' ')[0];
    }

    /// <summary>
    /// The suite's private apt folder, held exclusively: apt-get refuses to run while another apt-get holds its lists
    /// lock, and builds of several sites at once (a project.yml) fetch the same firmware.
    /// </summary>
    private FileStream LockAptDirectory(string suite, CancellationToken cancellationToken)
    {
        string dir = Path.Combine(_cacheRoot, "apt", Sanitize(suite));
        Directory.CreateDirectory(dir);
        return FileLock.Acquire(Path.Combine(dir, ".ccimage.lock"),
            () => _log.Info($"Waiting for another build's apt run in {dir}..."), cancellationToken);
    }

    private sealed record AptConfiguration(string Directory, string ListsDirectory, IReadOnlyList<string> Options);

    private AptConfiguration PrepareAptConfiguration(string suite)
    {
        var source = AptSource.ReadConfigured(_aptEtc).FirstOrDefault(s => s.IsMainArchive)
                     ?? throw Diag.Error(nameof(Strings.DebianMirrorNotFound));
        string keyring = source.SignedBy ?? AptSource.DefaultKeyring;
        if (!File.Exists(keyring))
            throw Diag.Error(nameof(Strings.DebianKeyringMissing), keyring);

        string dir = Path.Combine(_cacheRoot, "apt", Sanitize(suite));
        string lists = Path.Combine(dir, "lists");
        string cache = Path.Combine(dir, "cache");
        string parts = Path.Combine(dir, "sources.list.d");
        foreach (string d in new[] { Path.Combine(lists, "partial"), Path.Combine(cache, "archives", "partial"), parts })
            Directory.CreateDirectory(d);
        string sourcesList = Path.Combine(dir, "sources.list");
        string line = $"deb [signed-by={keyring}] {source.Uri} {suite} main\n";
        if (!File.Exists(sourcesList) || File.ReadAllText(sourcesList) != line)
            AtomicFile.WriteAllText(sourcesList, line);
        string status = Path.Combine(dir, "status");
        if (!File.Exists(status))
            File.WriteAllText(status, "");
        return new AptConfiguration(dir, lists,
        [
            "-o", $"Dir::Etc::SourceList={sourcesList}",
            "-o", $"Dir::Etc::SourceParts={parts}",
            "-o", $"Dir::State::Lists={lists}",
            "-o", $"Dir::State::status={status}",
            "-o", $"Dir::Cache={cache}",
            "-o", "Acquire::Languages=none",
            "-o", "Acquire::IndexTargets::deb::DEP-11::DefaultEnabled=false",
            "-o", "Acquire::IndexTargets::deb::DEP-11-icons::DefaultEnabled=false",
            "-o", "Acquire::IndexTargets::deb::DEP-11-icons-hidpi::DefaultEnabled=false",
            "-o", "APT::Sandbox::User=root",
            "-q",
        ]);
    }

    private bool RefreshListsIfStale(AptConfiguration apt, bool force, CancellationToken cancellationToken)
    {
        var indexes = Directory.GetFiles(apt.ListsDirectory, "*_Packages*");
        if (!force && indexes.Length > 0 && indexes.All(f => DateTime.UtcNow - File.GetLastWriteTimeUtc(f) < ListsMaxAge))
            return false;
        _log.Info($"Refreshing the package lists in {apt.Directory}");
        var result = _runner.Run(HostTool.AptGet, [.. apt.Options, "update"], timeout: TimeSpan.FromMinutes(30),
            allowFailure: true, cancellationToken: cancellationToken);
        // apt-get update exits 0 even when a signature fails to verify; a warning line starting W: or E: says so.
        var problems = (result.StandardError + result.StandardOutput).Split('\n')
            .Where(l => l.StartsWith("E:", StringComparison.Ordinal) || l.Contains("NO_PUBKEY", StringComparison.Ordinal)
                        || l.Contains("not signed", StringComparison.Ordinal)).ToList();
        if (result.ExitCode != 0 || problems.Count > 0)
            throw Diag.Error(nameof(Strings.ToolFailed), "apt-get update", result.ExitCode, string.Join(" | ", problems.Take(3)));
        foreach (string f in Directory.GetFiles(apt.ListsDirectory, "*_Packages*"))
            File.SetLastWriteTimeUtc(f, DateTime.UtcNow);
        return true;
    }

    private string? CandidateVersion(AptConfiguration apt, string package, CancellationToken cancellationToken)
    {
        var result = _runner.Run(HostTool.AptCache, [.. apt.Options, "show", "--no-all-versions", package],
            allowFailure: true, cancellationToken: cancellationToken);
        if (result.ExitCode != 0)
            return null;
        return result.StandardOutput.Split('\n')
            .Where(l => l.StartsWith("Version:", StringComparison.Ordinal))
            .Select(l => l["Version:".Length..].Trim())
            .FirstOrDefault();
    }

    private static string Sanitize(string name) =>
        new(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '+' or '_' or '~' ? c : '_').ToArray());

    private static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
}
