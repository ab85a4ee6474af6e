// The content-addressed stage cache (CcCacheDirectory): entries keyed by the SHA-256 of their CacheManifest, each a
// folder under <root>/v1/<kind>/<key>/. An entry is built in a temp folder beside its final place and renamed into it,
// so a complete entry is the only thing ever found there; a per-key lock file makes a second build wait for the first
// instead of doing the same work; a hit touches the entry's use stamp, and Trim deletes least recently used entries
// beyond the size cap. Safe for several builds at once and for a folder restored by a CI cache into a new checkout.
using System.Diagnostics;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Caching;

public sealed class StageCache
{
    /// <summary>Bumped when the layout of the cache folder changes; old layouts are simply not found.</summary>
    public const string LayoutVersion = "v1";

    /// <summary>The file in each entry that records its manifest (for people and for `ccimage cache` listings).</summary>
    public const string ManifestFileName = "cache-manifest.json";

    /// <summary>Touched on every use; Trim evicts by its time.</summary>
    public const string UseStampFileName = ".last-used";

    private const string TempPrefix = ".tmp-";
    private static readonly TimeSpan StaleTempAge = TimeSpan.FromHours(6);

    private readonly ILog _log;
    private readonly HashSet<string> _usedThisBuild = new(StringComparer.Ordinal);

    public StageCache(string root, ILog log)
    {
        Root = Path.GetFullPath(root);
        _log = log;
    }

    /// <summary>The CcCacheDirectory folder.</summary>
    public string Root { get; }

    private string LayoutRoot => Path.Combine(Root, LayoutVersion);

    /// <summary>
    /// The entry for <paramref name="manifest"/>; on a miss <paramref name="build"/> fills an empty temp folder with the
    /// entry's files, which then becomes the entry. A failed or cancelled build leaves nothing behind.
    /// </summary>
    public CacheEntry GetOrCreate(CacheManifest manifest, Action<string> build, CancellationToken cancellationToken)
    {
        string key = manifest.Key;
        string kindDir = Path.Combine(LayoutRoot, manifest.Kind);
        string final = Path.Combine(kindDir, key);
        lock (_usedThisBuild)
            _usedThisBuild.Add(final);
        if (TryHit(manifest.Kind, key, final) is { } hit)
            return hit;

        Directory.CreateDirectory(kindDir);
        using var keyLock = AcquireLock(kindDir, key, manifest.Kind, cancellationToken);
        if (TryHit(manifest.Kind, key, final) is { } raced)
            return raced;

        RemoveStaleTemps(kindDir);
        string temp = Path.Combine(kindDir, $"{TempPrefix}{Short(key)}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            var timer = Stopwatch.StartNew();
            build(temp);
            cancellationToken.ThrowIfCancellationRequested();
            File.WriteAllText(Path.Combine(temp, ManifestFileName), manifest.ToJson());
            File.WriteAllText(Path.Combine(temp, UseStampFileName), "");
            Directory.Move(temp, final);
            _log.Detail($"cache: stored {manifest.Kind} {Short(key)} in {timer.Elapsed.TotalSeconds:F1} s");
        }
        finally
        {
            TryDeleteDirectory(temp);
        }
        return new CacheEntry(manifest.Kind, key, final, Hit: false);
    }

    /// <summary>
    /// Files <paramref name="entry"/> also under the key of <paramref name="manifest"/> (hard links, so no space is used
    /// twice), for an entry known to be what that manifest would build. Does nothing when that key already has an entry.
    /// </summary>
    public void Alias(CacheManifest manifest, CacheEntry entry)
    {
        string kindDir = Path.Combine(LayoutRoot, manifest.Kind);
        string final = Path.Combine(kindDir, manifest.Key);
        if (Directory.Exists(final))
            return;
        string temp = Path.Combine(kindDir, $"{TempPrefix}{Short(manifest.Key)}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(temp);
        try
        {
            foreach (string file in Directory.GetFiles(entry.Directory))
            {
                string name = Path.GetFileName(file);
                if (name == ManifestFileName)
                    File.WriteAllText(Path.Combine(temp, name), manifest.ToJson());
                else
                    HardLink.CreateOrCopy(file, Path.Combine(temp, name));
            }
            Directory.Move(temp, final);
            _log.Detail($"cache: filed {manifest.Kind} {Short(entry.Key)} also as {Short(manifest.Key)}");
        }
        catch (IOException) when (Directory.Exists(final))
        {
            // another build filed it first
        }
        finally
        {
            TryDeleteDirectory(temp);
        }
    }

    /// <summary>
    /// Deletes least recently used entries until the cache holds at most <paramref name="maxBytes"/>; entries this
    /// build used and entries another build holds a lock on are kept.
    /// </summary>
    public void Trim(long maxBytes)
    {
        if (!Directory.Exists(LayoutRoot))
            return;
        var entries = Directory.EnumerateDirectories(LayoutRoot)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .SelectMany(kind => Directory.EnumerateDirectories(kind)
                .Where(d => !Path.GetFileName(d).StartsWith('.')) // temps, locks
                .Select(d => (Kind: Path.GetFileName(kind), Dir: d)))
            .Select(e => (e.Kind, e.Dir, Size: FolderSize(e.Dir), Used: File.GetLastWriteTimeUtc(Path.Combine(e.Dir, UseStampFileName))))
            .OrderBy(e => e.Used)
            .ToList();
        long total = entries.Sum(e => e.Size);
        foreach (var e in entries)
        {
            if (total <= maxBytes)
                break;
            bool inUse;
            lock (_usedThisBuild)
                inUse = _usedThisBuild.Contains(e.Dir);
            if (inUse)
                continue;
            string kindDir = Path.GetDirectoryName(e.Dir)!;
            using var held = TryLock(kindDir, Path.GetFileName(e.Dir));
            if (held == null)
                continue;
            string doomed = Path.Combine(kindDir, $"{TempPrefix}evict-{Guid.NewGuid():N}");
            try
            {
                Directory.Move(e.Dir, doomed); // out of sight first, so no reader finds a half-deleted entry
            }
            catch (IOException)
            {
                continue;
            }
            TryDeleteDirectory(doomed);
            total -= e.Size;
            _log.Detail($"cache: evicted {e.Kind} {Short(Path.GetFileName(e.Dir))} ({e.Size} bytes)");
        }
    }

    private CacheEntry? TryHit(string kind, string key, string final)
    {
        if (!Directory.Exists(final))
            return null;
        try
        {
            File.SetLastWriteTimeUtc(Path.Combine(final, UseStampFileName), DateTime.UtcNow);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        _log.Detail($"cache: using {kind} {Short(key)}");
        return new CacheEntry(kind, key, final, Hit: true);
    }

    private FileStream AcquireLock(string kindDir, string key, string kind, CancellationToken cancellationToken) =>
        FileLock.Acquire(LockPath(kindDir, key),
            () => _log.Info($"Waiting for another build that is making the same {kind} ({Short(key)})..."), cancellationToken);

    private static FileStream? TryLock(string kindDir, string key) => FileLock.TryAcquire(LockPath(kindDir, key));

    private static string LockPath(string kindDir, string key)
    {
        string locks = Path.Combine(kindDir, ".locks");
        Directory.CreateDirectory(locks);
        return Path.Combine(locks, key + ".lock");
    }

    private static void RemoveStaleTemps(string kindDir)
    {
        foreach (string dir in Directory.EnumerateDirectories(kindDir, TempPrefix + "*"))
            if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(dir) > StaleTempAge || IsOrphan(dir))
                TryDeleteDirectory(dir);
    }

    /// <summary>A temp folder whose builder process is gone (its name carries the process id).</summary>
    private static bool IsOrphan(string dir)
    {
        string[] parts = Path.GetFileName(dir).Split('-');
        if (parts.Length < 4 || !int.TryParse(parts[2], out int pid) || pid == Environment.ProcessId)
            return false;
        try
        {
            using var p = Process.GetProcessById(pid);
            return p.HasExited;
        }
        catch (ArgumentException)
        {
            return true;
        }
    }

    private static long FolderSize(string dir) =>
        new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);

    public static void TryDeleteDirectory(string dir)
    {
        try
        {
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string Short(string key) => key[..12];
}
