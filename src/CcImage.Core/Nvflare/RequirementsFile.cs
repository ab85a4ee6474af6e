// The site's requirements file (CcRequirementsFile) as pip reads it (pip's "Requirements File Format": one requirement
// or option per line, '#' comments, '\' continuations, -r/-c includes relative to the including file), prepared for a
// pip that runs inside the image's tree: every local file it names — includes, wheels and source folders given as
// paths or file: URLs, -e and --find-links folders — is shown read-only in the tree's scratch folder and the lines are
// rewritten to point there, so `file:///home/me/app.whl` works although the build machine's paths do not exist in the
// tree. The cache manifest takes each file by content (never its path or text, which may carry index credentials),
// and credentials in URLs are collected for masking.
using System.Text;
using System.Text.RegularExpressions;
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Nvflare;

public sealed partial class RequirementsFile
{
    /// <summary>Where the rewritten files and the local files they name appear inside the tree.</summary>
    public const string FolderInTree = StageLayerSession.ScratchFolder + "/requirements";

    /// <summary>The most nested -r/-c includes followed (pip has no limit; a loop must end).</summary>
    private const int MaxIncludeDepth = 16;

    private static readonly string[] IncludeOptions = ["-r", "--requirement", "-c", "--constraint"];
    private static readonly string[] PathOptions = ["-e", "--editable", "-f", "--find-links"];
    private static readonly string[] UrlOptions = ["-i", "--index-url", "--extra-index-url"];
    private static readonly string[] ArchiveSuffixes = [".whl", ".tar.gz", ".tgz", ".zip", ".tar.bz2", ".tar.xz"];

    private readonly List<string> _files = [];
    private readonly List<string> _texts = [];
    private readonly List<string> _references = [];
    private readonly List<string> _secrets = [];

    private RequirementsFile(string path) => Path = path;

    /// <summary>The requirements file on the build machine (absolute).</summary>
    public string Path { get; }

    /// <summary>True when some line names a package to install (a file of comments and options names none).</summary>
    public bool NamesPackages { get; private set; }

    /// <summary>True when a line names an index or a remote URL (pip then needs name resolution).</summary>
    public bool UsesNetwork { get; private set; }

    /// <summary>The requirements file and the files it includes (-r, -c), on the build machine.</summary>
    public IReadOnlyList<string> Files => _files;

    /// <summary>The local files and folders the lines name, in order of appearance.</summary>
    public IReadOnlyList<string> References => _references;

    /// <summary>Credentials found in URLs of the file, for masking.</summary>
    public IReadOnlyList<string> Secrets => _secrets;

    /// <summary>Reads and rewrites <paramref name="path"/> (CCIMG1258 when it is missing, CCIMG1259 for a missing local file it names).</summary>
    public static RequirementsFile Read(string path)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw Diag.Error(nameof(Strings.RequirementsFileMissing), full);
        InputFile.Require(full, "CcRequirementsFile", InputFile.MaxTextBytes);
        var file = new RequirementsFile(full);
        file.Rewrite(full, 0);
        return file;
    }

    /// <summary>The in-tree path of the rewritten file number <paramref name="index"/> (0: the requirements file itself).</summary>
    public static string RewrittenPath(int index) => $"{FolderInTree}/requirements-{index}.txt";

    /// <summary>The in-tree path of the local file or folder number <paramref name="index"/>.</summary>
    public static string ReferencePath(int index, string hostPath) =>
        $"{FolderInTree}/files/{index}/{System.IO.Path.GetFileName(hostPath.TrimEnd('/'))}";

    /// <summary>Adds every file's content and every local file or folder it names to <paramref name="manifest"/>.</summary>
    public CacheManifest AddTo(CacheManifest manifest)
    {
        manifest.Add("requirements", string.Join(" ", _texts.Select(t => Sha256(t))));
        manifest.Add("requirements-files", string.Join(" ", _references.Select(r =>
            Directory.Exists(r) ? "tree:" + TreeFingerprint.Compute(r) : "sha256:" + Hashing.FileHash.Sha256Hex(r))));
        return manifest;
    }

    /// <summary>Shows the rewritten files and the local files in the tree; returns the in-tree path to give pip -r.</summary>
    public string Stage(StageLayerSession session)
    {
        for (int i = 0; i < _texts.Count; i++)
        {
            string host = session.HostPath(RewrittenPath(i));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(host)!);
            File.WriteAllText(host, _texts[i]);
        }
        for (int i = 0; i < _references.Count; i++)
            session.BindReadOnly(_references[i], ReferencePath(i, _references[i]));
        foreach (string secret in _secrets)
            session.AddSecret(secret);
        return RewrittenPath(0);
    }

    private int Rewrite(string path, int depth)
    {
        if (depth > MaxIncludeDepth)
            throw Diag.Error(nameof(Strings.RequirementsReferenceMissing), path, 0, $"more than {MaxIncludeDepth} nested -r/-c includes");
        int index = _files.Count;
        _files.Add(path);
        _texts.Add("");
        string folder = System.IO.Path.GetDirectoryName(path)!;
        var output = new StringBuilder();
        int lineNumber = 0;
        foreach (var (line, number) in LogicalLines(File.ReadAllText(path)))
        {
            lineNumber = number;
            string content = StripComment(line).Trim();
            if (content.Length == 0)
                continue;
            output.Append(RewriteLine(content, folder, path, lineNumber, depth)).Append('\n');
        }
        _texts[index] = output.ToString();
        return index;
    }

    private string RewriteLine(string line, string folder, string file, int number, int depth)
    {
        foreach (string url in Url().Matches(line).Select(m => m.Value))
        {
            _secrets.AddRange(PipSources.UrlSecrets(url));
            if (!url.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
                UsesNetwork = true;
        }
        if (line.StartsWith('-'))
        {
            var (option, value, separator) = SplitOption(line);
            if (IncludeOptions.Contains(option) && value.Length > 0)
            {
                string included = Local(value, folder, file, number, mustBeFile: true);
                int child = Rewrite(included, depth + 1);
                return option + separator + RewrittenPath(child);
            }
            if (PathOptions.Contains(option) && value.Length > 0 && !PipSources.IsUrl(value) && IsLocalReference(value))
            {
                if (option is "-e" or "--editable")
                    NamesPackages = true;
                return option + separator + Reference(value, folder, file, number);
            }
            if (UrlOptions.Contains(option) || option is "-f" or "--find-links")
                UsesNetwork = true;
            return line;
        }

        NamesPackages = true;
        // name @ URL, or a bare path or URL: only the reference token changes; markers and --hash options stay.
        var at = DirectReference().Match(line);
        if (at.Success)
        {
            string target = at.Groups["target"].Value;
            return IsLocalReference(target) && !PipSources.IsUrl(target)
                ? line[..at.Groups["target"].Index] + "file://" + Reference(target, folder, file, number) + line[(at.Groups["target"].Index + target.Length)..]
                : line;
        }
        string first = line.Split([' ', '\t', ';'], 2)[0];
        if (IsLocalReference(first) && !PipSources.IsUrl(first))
            return Reference(first, folder, file, number) + line[first.Length..];
        return line;
    }

    /// <summary>Binds the local file or folder <paramref name="reference"/> names and returns its in-tree path.</summary>
    private string Reference(string reference, string folder, string file, int number)
    {
        string host = Local(reference, folder, file, number, mustBeFile: false);
        int existing = _references.IndexOf(host);
        if (existing < 0)
        {
            existing = _references.Count;
            _references.Add(host);
        }
        return ReferencePath(existing, host);
    }

    private static string Local(string reference, string folder, string file, int number, bool mustBeFile)
    {
        string path = reference;
        if (path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            path = Uri.TryCreate(path, UriKind.Absolute, out var uri) && uri.IsFile ? uri.LocalPath : path["file:".Length..];
        string full = System.IO.Path.GetFullPath(path, folder);
        if (mustBeFile ? !File.Exists(full) : !File.Exists(full) && !Directory.Exists(full))
            throw Diag.Error(nameof(Strings.RequirementsReferenceMissing), file, number, full);
        return full;
    }

    /// <summary>A file: URL, a path (./x, ../x, /x, x/y) or an archive name: something on the build machine.</summary>
    private static bool IsLocalReference(string token) =>
        token.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || token.StartsWith('.') || token.StartsWith('/')
        || (token.Contains('/', StringComparison.Ordinal) && !token.Contains("://", StringComparison.Ordinal))
        || ArchiveSuffixes.Any(s => token.EndsWith(s, StringComparison.OrdinalIgnoreCase));

    private static (string Option, string Value, string Separator) SplitOption(string line)
    {
        int split = line.IndexOfAny(['=', ' ', '\t']);
        if (split < 0)
            return (line, "", "");
        string option = line[..split];
        string rest = line[(split + 1)..].Trim();
        if (option.StartsWith("--", StringComparison.Ordinal) || line[split] != '=')
            return (option, rest, line[split] == '=' ? "=" : " ");
        return (option, rest, "=");
    }

    /// <summary>A '#' starts a comment at the start of a line or after whitespace (pip's rule).</summary>
    private static string StripComment(string line)
    {
        var m = Comment().Match(line);
        return m.Success ? line[..m.Index] : line;
    }

    /// <summary>Lines joined across a trailing backslash, each with the number of its first physical line.</summary>
    private static IEnumerable<(string Line, int Number)> LogicalLines(string text)
    {
        var physical = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var current = new StringBuilder();
        int start = 0;
        for (int i = 0; i < physical.Length; i++)
        {
            if (current.Length == 0)
                start = i + 1;
            string line = physical[i];
            if (line.EndsWith('\\'))
            {
                current.Append(line[..^1]);
                continue;
            }
            current.Append(line);
            yield return (current.ToString(), start);
            current.Clear();
        }
        if (current.Length > 0)
            yield return (current.ToString(), start);
    }

    private static string Sha256(string text) =>
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(text))).ToLowerInvariant();

    [GeneratedRegex(@"(^|\s)#")]
    private static partial Regex Comment();

    [GeneratedRegex(@"[A-Za-z][A-Za-z0-9+.-]*://[^\s;]+")]
    private static partial Regex Url();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._-]*(\[[^\]]*\])?\s*@\s*(?<target>[^\s;]+)")]
    private static partial Regex DirectReference();
}
