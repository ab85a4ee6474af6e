// StageCache: an entry is built once and found by its manifest's key afterwards; a failed build leaves nothing; two
// builders of one key do the work once; Trim evicts least recently used entries beyond the cap; keys do not depend on
// where the inputs live.
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Caching;

[TestClass]
public class StageCacheTests
{
    private string _root = "";

    [TestInitialize]
    public void Init() => _root = TestPaths.NewTempDir("cache");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_root, recursive: true);

    private static CacheManifest Manifest(string value) => new CacheManifest("test", 1).Add("value", value);

    [TestMethod]
    public void GetOrCreate_SecondCall_HitsWithoutBuilding()
    {
        var cache = new StageCache(_root, NullLog.Instance);
        int builds = 0;
        var first = cache.GetOrCreate(Manifest("a"), dir => { builds++; File.WriteAllText(Path.Combine(dir, "f"), "x"); }, default);
        var second = cache.GetOrCreate(Manifest("a"), _ => builds++, default);
        Assert.AreEqual(1, builds);
        Assert.IsFalse(first.Hit);
        Assert.IsTrue(second.Hit);
        Assert.AreEqual(first.Directory, second.Directory);
        Assert.AreEqual("x", File.ReadAllText(second.PathOf("f")));
        StringAssert.Contains(File.ReadAllText(second.PathOf(StageCache.ManifestFileName)), "\"value\": \"a\"");
    }

    [TestMethod]
    public void GetOrCreate_BuildFails_LeavesNoEntryAndNoTemp()
    {
        var cache = new StageCache(_root, NullLog.Instance);
        Assert.ThrowsExactly<InvalidOperationException>(() => cache.GetOrCreate(Manifest("b"), dir =>
        {
            File.WriteAllText(Path.Combine(dir, "partial"), "x");
            throw new InvalidOperationException("boom");
        }, default));
        var kindDir = Path.Combine(_root, StageCache.LayoutVersion, "test");
        Assert.IsEmpty(Directory.GetDirectories(kindDir).Where(d => !Path.GetFileName(d).StartsWith('.')).ToList());
        Assert.IsEmpty(Directory.GetDirectories(kindDir, ".tmp-*"));
    }

    [TestMethod]
    public void GetOrCreate_Cancelled_LeavesNoEntry()
    {
        var cache = new StageCache(_root, NullLog.Instance);
        using var cts = new CancellationTokenSource();
        Assert.ThrowsExactly<OperationCanceledException>(() => cache.GetOrCreate(Manifest("c"), _ => cts.Cancel(), cts.Token));
        Assert.IsFalse(cache.GetOrCreate(Manifest("c"), _ => { }, default).Hit);
    }

    [TestMethod]
    public void GetOrCreate_TwoBuildersAtOnce_BuildOnce()
    {
        int builds = 0;
        using var started = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
            new StageCache(_root, NullLog.Instance).GetOrCreate(Manifest("d"), dir =>
            {
                Interlocked.Increment(ref builds);
                started.Set();
                Thread.Sleep(500);
                File.WriteAllText(Path.Combine(dir, "f"), "x");
            }, default))).ToArray();
        Task.WaitAll(tasks);
        Assert.AreEqual(1, builds);
        Assert.AreEqual(tasks[0].Result.Directory, tasks[1].Result.Directory);
    }

    [TestMethod]
    public void Trim_OverCap_EvictsLeastRecentlyUsedFirst()
    {
        var writer = new StageCache(_root, NullLog.Instance);
        var old = writer.GetOrCreate(Manifest("old"), dir => File.WriteAllBytes(Path.Combine(dir, "f"), new byte[4096]), default);
        var recent = writer.GetOrCreate(Manifest("recent"), dir => File.WriteAllBytes(Path.Combine(dir, "f"), new byte[4096]), default);
        File.SetLastWriteTimeUtc(Path.Combine(old.Directory, StageCache.UseStampFileName), DateTime.UtcNow.AddDays(-2));
        File.SetLastWriteTimeUtc(Path.Combine(recent.Directory, StageCache.UseStampFileName), DateTime.UtcNow.AddDays(-1));

        new StageCache(_root, NullLog.Instance).Trim(6000);

        Assert.IsFalse(Directory.Exists(old.Directory));
        Assert.IsTrue(Directory.Exists(recent.Directory));
    }

    [TestMethod]
    public void Trim_EntryUsedByThisBuild_IsKept()
    {
        var cache = new StageCache(_root, NullLog.Instance);
        var entry = cache.GetOrCreate(Manifest("used"), dir => File.WriteAllBytes(Path.Combine(dir, "f"), new byte[4096]), default);
        cache.Trim(0);
        Assert.IsTrue(Directory.Exists(entry.Directory));
        new StageCache(_root, NullLog.Instance).Trim(0);
        Assert.IsFalse(Directory.Exists(entry.Directory));
    }

    [TestMethod]
    public void ManifestKey_SameFilesElsewhere_SameKey()
    {
        string a = Path.Combine(_root, "a"), b = Path.Combine(_root, "elsewhere", "b");
        foreach (string dir in new[] { a, b })
        {
            Directory.CreateDirectory(Path.Combine(dir, "sub"));
            File.WriteAllText(Path.Combine(dir, "sub", "file.txt"), "same");
        }
        Assert.AreEqual(new CacheManifest("t", 1).AddFolder("tree", a).Key, new CacheManifest("t", 1).AddFolder("tree", b).Key);
        File.WriteAllText(Path.Combine(b, "sub", "file.txt"), "other");
        Assert.AreNotEqual(new CacheManifest("t", 1).AddFolder("tree", a).Key, new CacheManifest("t", 1).AddFolder("tree", b).Key);
    }
}
