// PackageLock: canonical JSON that round-trips through a file, and CCIMG4111 for a lock that cannot be used.
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.RootFs;

[TestClass]
public class PackageLockTests
{
    private static readonly PackageLock Sample = new("debian", "bookworm", "amd64",
    [
        new LockedPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64"),
        new LockedPackage("adduser", "3.134", "all"),
        new LockedPackage("libc6", "2.36-9+deb12u14", "amd64"),
    ]);

    private static readonly string[] SortedNames = ["adduser", "libc6", "zlib1g"];

    [TestMethod]
    public void WriteRead_RoundTripsAndSortsPackages()
    {
        string dir = TestPaths.NewTempDir("lock");
        try
        {
            string path = Path.Combine(dir, "packages.lock.json");
            Sample.Write(path);
            var read = PackageLock.Read(path);
            Assert.AreEqual(Sample.ToJson(), read.ToJson());
            Assert.AreEqual(Sample.ToJson(), File.ReadAllText(path));
            CollectionAssert.AreEqual(SortedNames, read.Packages.Select(p => p.Name).ToArray());
            Assert.AreEqual(new LockedPackage("zlib1g", "1:1.2.13.dfsg-1", "amd64"), read.Find("zlib1g"));
            Assert.IsEmpty(Directory.GetFiles(dir).Where(f => f != path));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void ToJson_IsCanonical()
    {
        string json = Sample.ToJson();
        StringAssert.StartsWith(json, "{\n  \"architecture\": \"amd64\",\n  \"distribution\": \"debian\",\n  \"formatVersion\": 1,\n  \"packages\": [\n    {\n      \"architecture\": \"all\",\n      \"name\": \"adduser\",\n      \"version\": \"3.134\"\n    },");
        StringAssert.EndsWith(json, "  \"suite\": \"bookworm\"\n}\n");
        Assert.IsFalse(json.Contains('\r', StringComparison.Ordinal));
        StringAssert.Contains(json, "\"2.36-9+deb12u14\"");
    }

    [TestMethod]
    [DataRow("not json")]
    [DataRow("{\"formatVersion\": 2, \"distribution\": \"debian\", \"suite\": \"bookworm\", \"architecture\": \"amd64\", \"packages\": []}")]
    [DataRow("{\"formatVersion\": 1, \"distribution\": \"debian\", \"suite\": \"bookworm\", \"architecture\": \"amd64\"}")]
    [DataRow("{\"formatVersion\": 1, \"distribution\": \"debian\", \"suite\": \"bookworm\", \"architecture\": \"amd64\", \"packages\": [{\"name\": \"a;rm\", \"version\": \"1\", \"architecture\": \"all\"}]}")]
    [DataRow("{\"formatVersion\": 1, \"distribution\": \"debian\", \"suite\": \"bookworm\", \"architecture\": \"amd64\", \"packages\": [{\"name\": \"aa\", \"version\": \"1\", \"architecture\": \"all\"}, {\"name\": \"aa\", \"version\": \"2\", \"architecture\": \"all\"}]}")]
    public void Parse_Unusable_ThrowsCcimg4111(string json)
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => PackageLock.Parse(json, "test.lock"));
        Assert.AreEqual("CCIMG4111", e.Code);
        StringAssert.Contains(e.Message, "test.lock");
    }

    [TestMethod]
    public void Read_MissingFile_ThrowsCcimg4111() =>
        GptTestDisk.AssertThrowsCode("CCIMG4111", () => PackageLock.Read("/nonexistent/packages.lock.json"));
}
