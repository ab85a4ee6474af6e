// FileDigestCache: a remembered hash is used only while the file's size and time are unchanged.
using CcImage.Core.Hashing;

namespace CcImage.Tests.Hashing;

[TestClass]
public sealed class FileDigestCacheTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("digest-cache");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void Sha256Hex_UnchangedFile_UsesTheRememberedHash()
    {
        string file = Write("a.bin", [1, 2, 3], DateTime.UtcNow.AddMinutes(-5));
        string store = Path.Combine(_dir, "obj", "digests.txt");
        var first = FileDigestCache.Open(store);
        Assert.AreEqual(FileHash.Sha256Hex(file), first.Sha256Hex(file));
        first.Save();
        // Rewrite the store with a wrong hash for the same size and time: a reader that trusts it returns it.
        string fake = new('0', 64);
        File.WriteAllText(store, File.ReadAllText(store).Replace(FileHash.Sha256Hex(file), fake, StringComparison.Ordinal));
        Assert.AreEqual(fake, FileDigestCache.Open(store).Sha256Hex(file));
    }

    [TestMethod]
    public void Sha256Hex_FileChangedSinceSaved_HashesItAgain()
    {
        string file = Write("a.bin", [1, 2, 3], DateTime.UtcNow.AddMinutes(-5));
        string store = Path.Combine(_dir, "digests.txt");
        var cache = FileDigestCache.Open(store);
        cache.Sha256Hex(file);
        cache.Save();
        Write("a.bin", [4, 5, 6], DateTime.UtcNow.AddMinutes(-4));
        Assert.AreEqual(FileHash.Sha256Hex(file), FileDigestCache.Open(store).Sha256Hex(file));
    }

    [TestMethod]
    public void Save_FileWrittenJustNow_IsNotRemembered()
    {
        string file = Write("fresh.bin", [7], DateTime.UtcNow);
        string store = Path.Combine(_dir, "digests.txt");
        var cache = FileDigestCache.Open(store);
        cache.Sha256Hex(file);
        cache.Save();
        Assert.AreEqual("", File.ReadAllText(store).Trim());
    }

    private string Write(string name, byte[] bytes, DateTime time)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        File.SetLastWriteTimeUtc(path, time);
        return path;
    }
}
