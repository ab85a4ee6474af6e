// A stage's input fingerprint: a SHA-256 over a format version, the tool version, named settings and the files a stage
// reads (sorted relative path, type, mode, length, modification time). Written temp-then-move, and only when it changed,
// so MSBuild's Inputs/Outputs check sees a newer file exactly when an input changed.
using System.Security.Cryptography;
using System.Text;

namespace CcImage.Core.Caching;

public sealed class InputFingerprint
{
    /// <summary>Bumped whenever the meaning of a fingerprint changes, so old records never match.</summary>
    public const int FormatVersion = 1;

    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<(string Label, string Root)> _trees = [];

    /// <summary>Adds a named setting.</summary>
    public InputFingerprint Add(string name, string? value)
    {
        _values[name] = value ?? "";
        return this;
    }

    /// <summary>Adds a file or a folder (recursively) under a label.</summary>
    public InputFingerprint AddPath(string label, string path)
    {
        _trees.Add((label, path));
        return this;
    }

    /// <summary>The fingerprint text: one line per setting and per file, stable across machines and runs.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("format ").Append(FormatVersion).Append('\n');
        sb.Append("tool ").Append(typeof(InputFingerprint).Assembly.ManifestModule.ModuleVersionId).Append('\n');
        foreach (var (k, v) in _values)
            sb.Append("set ").Append(k).Append('=').Append(v.Replace("\n", "\\n")).Append('\n');
        foreach (var (label, root) in _trees.OrderBy(t => t.Label, StringComparer.Ordinal).ThenBy(t => t.Root, StringComparer.Ordinal))
            DescribeTree(sb, label, root);
        return sb.ToString();
    }

    /// <summary>The SHA-256 of <see cref="Describe"/>, lower-case hex.</summary>
    public string Hash() => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Describe()))).ToLowerInvariant();

    /// <summary>Writes the fingerprint to <paramref name="path"/> unless the file already holds it; returns whether it wrote.</summary>
    public bool WriteIfChanged(string path)
    {
        string text = Describe();
        if (File.Exists(path) && File.ReadAllText(path) == text)
            return false;
        AtomicFile.WriteAllText(path, text);
        return true;
    }

    private static void DescribeTree(StringBuilder sb, string label, string root)
    {
        if (File.Exists(root))
        {
            var f = new FileInfo(root);
            sb.Append("file ").Append(label).Append(' ').Append(Entry(f)).Append('\n');
            return;
        }
        if (!Directory.Exists(root))
        {
            sb.Append("missing ").Append(label).Append('\n');
            return;
        }
        var entries = new DirectoryInfo(root)
            .EnumerateFileSystemInfos("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = false })
            .Select(e => (Rel: Path.GetRelativePath(root, e.FullName).Replace('\\', '/'), Info: e))
            .OrderBy(e => e.Rel, StringComparer.Ordinal);
        sb.Append("tree ").Append(label).Append('\n');
        foreach (var (rel, info) in entries)
            sb.Append("  ").Append(rel).Append(' ').Append(Entry(info)).Append('\n');
    }

    private static string Entry(FileSystemInfo info)
    {
        string mode = OperatingSystem.IsWindows() ? "" : Convert.ToString((int)info.UnixFileMode, 8);
        return info switch
        {
            _ when info.LinkTarget != null => $"link {mode} -> {info.LinkTarget}",
            FileInfo f => $"file {mode} {f.Length} {f.LastWriteTimeUtc.Ticks}",
            _ => $"dir {mode}",
        };
    }
}
