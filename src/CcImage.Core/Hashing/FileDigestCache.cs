// SHA-256 of output files remembered between builds by (path, size, last write time), so manifest.json does not read
// gigabytes of unchanged images again. One text line per file ("sha256 size ticks path"), written temp-then-rename;
// a file written within the last seconds is hashed but not remembered (its time could still be shared by a rewrite).
using System.Globalization;
using CcImage.Core.Caching;

namespace CcImage.Core.Hashing;

public sealed class FileDigestCache
{
    /// <summary>How recent a file's last write may be and still be remembered (the file system's time resolution and
    /// a writer that keeps writing within it).</summary>
    private static readonly TimeSpan RacyWindow = TimeSpan.FromSeconds(2);

    private readonly string _path;
    private readonly Dictionary<string, (long Size, long Ticks, string Sha256)> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (long Size, long Ticks, string Sha256)> _used = new(StringComparer.Ordinal);

    private FileDigestCache(string path) => _path = path;

    /// <summary>The cache kept in <paramref name="path"/>; a missing or unreadable file is an empty cache.</summary>
    public static FileDigestCache Open(string path)
    {
        var cache = new FileDigestCache(path);
        if (!File.Exists(path))
            return cache;
        foreach (string line in File.ReadLines(path))
        {
            var parts = line.Split(' ', 4);
            if (parts.Length == 4 && parts[0].Length == 64
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
                && long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out long ticks))
                cache._entries[parts[3]] = (size, ticks, parts[0]);
        }
        return cache;
    }

    /// <summary>The file's SHA-256 (lower-case hex): remembered when its size and last write time are unchanged.</summary>
    public string Sha256Hex(string file)
    {
        string full = Path.GetFullPath(file);
        var info = new FileInfo(full);
        long size = info.Length, ticks = info.LastWriteTimeUtc.Ticks;
        string sha = _entries.TryGetValue(full, out var known) && known.Size == size && known.Ticks == ticks
            ? known.Sha256
            : FileHash.Sha256Hex(full);
        if (DateTime.UtcNow - info.LastWriteTimeUtc > RacyWindow && new FileInfo(full).LastWriteTimeUtc.Ticks == ticks)
            _used[full] = (size, ticks, sha);
        return sha;
    }

    /// <summary>Writes the files hashed through this cache (and only those), sorted by path.</summary>
    public void Save()
    {
        var lines = _used.OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Value.Sha256} {e.Value.Size} {e.Value.Ticks} {e.Key}"));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(_path))!);
        AtomicFile.WriteAllText(_path, string.Join('\n', lines) + "\n");
    }
}
