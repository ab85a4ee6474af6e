// Cross-checks the initramfs InitramfsBuilder writes against GNU cpio and bsdtar: both list exactly the entries
// planned, every entry root-owned, times at SOURCE_DATE_EPOCH, /init executable, /dev/console the console device, the links
// as planned, and extracted files byte-identical to the root tree's.
using System.IO.Compression;
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class InitramfsCpioCrossCheckTests
{
    private const long Epoch = 1700000000;
    private static string _dir = "";
    private static InitramfsResult _result = null!;
    private static InitramfsContents _contents = null!;
    private static string _cpio = "";

    [ClassInitialize]
    public static void Build(TestContext _)
    {
        _dir = TestPaths.NewTempDir("initramfs-x");
        var fixture = BootRootFsFixture.Tree;
        var request = new InitramfsRequest(fixture.Folder, fixture.KernelVersion, BootTestImage.Layout, Path.Combine(_dir, "initrd.img")) { SourceDateEpoch = Epoch };
        _result = InitramfsBuilder.Build(request, NullLog.Instance);
        _contents = InitramfsBuilder.Plan(request);
        _cpio = Path.Combine(_dir, "initrd.cpio");
        using var gzip = new GZipStream(File.OpenRead(_result.Path), CompressionMode.Decompress);
        using var output = File.Create(_cpio);
        gzip.CopyTo(output);
    }

    [ClassCleanup]
    public static void Cleanup() => RefTools.Run("rm", "-rf", _dir);

    /// <summary>Every path the archive must hold: planned entries and the folders above them.</summary>
    private static SortedSet<string> Expected()
    {
        var paths = new SortedSet<string>(StringComparer.Ordinal);
        void AddWithParents(string path)
        {
            for (string? p = path; !string.IsNullOrEmpty(p); p = p.Contains('/') ? p[..p.LastIndexOf('/')] : null)
                paths.Add(p);
        }
        foreach (string p in InitramfsContents.Folders.Append("dev/console")
                     .Concat(_contents.Selection.Files.Keys).Concat(_contents.Selection.Links.Keys)
                     .Concat(_contents.AppletLinks.Keys).Concat(_contents.Generated.Keys))
            AddWithParents(p);
        return paths;
    }

    [TestMethod]
    public void CpioList_IsExactlyThePlan_RootOwned()
    {
        var listing = RefTools.Run("cpio", "-itv", "--numeric-uid-gid", "--quiet", "-F", _cpio).AssertSuccess("cpio -itv");
        var rows = listing.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = RefTools.Run("cpio", "-it", "--quiet", "-F", _cpio).AssertSuccess("cpio -it").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
        CollectionAssert.AreEqual(Expected().ToList(), names.Order(StringComparer.Ordinal).ToList());
        Assert.HasCount(names.Count, names.Distinct().ToList(), "no path twice");
        foreach (string row in rows)
        {
            string[] f = row.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            Assert.AreEqual("0", f[2], row);
            Assert.AreEqual("0", f[3], row);
        }
        StringAssert.Matches(rows.Single(r => r.EndsWith(" init", StringComparison.Ordinal)), new System.Text.RegularExpressions.Regex(@"^-rwxr-xr-x "));
        StringAssert.Matches(rows.Single(r => r.EndsWith(" dev/console", StringComparison.Ordinal)), new System.Text.RegularExpressions.Regex(@"^crw------- .* 5,\s+1 "));
        StringAssert.Contains(rows.Single(r => r.EndsWith(" lib64 -> usr/lib64", StringComparison.Ordinal)), "lrwxrwxrwx");
        StringAssert.Contains(rows.Single(r => r.EndsWith(" usr/bin/switch_root -> busybox", StringComparison.Ordinal)), "lrwxrwxrwx");
    }

    [TestMethod]
    public void BsdtarList_ReadsTheGzipFile_SameEntries()
    {
        var names = RefTools.Run("bsdtar", "-tf", _result.Path).AssertSuccess("bsdtar -t").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        CollectionAssert.AreEqual(Expected().ToList(), names);
    }

    [TestMethod]
    public void Extracted_FilesMatchTheTree_AndGeneratedFilesTheirContent()
    {
        string target = Path.Combine(_dir, "extracted");
        Directory.CreateDirectory(target);
        RefTools.Run("bsdtar", "-xpf", _result.Path, "-C", target).AssertSuccess("bsdtar -x");
        foreach (var (path, _) in _contents.Selection.Files)
            CollectionAssert.AreEqual(File.ReadAllBytes(_contents.Selection.Tree.HostPath(path)), File.ReadAllBytes(Path.Combine(target, path)), path);
        foreach (var (path, content) in _contents.Generated)
            CollectionAssert.AreEqual(content, File.ReadAllBytes(Path.Combine(target, path)), path);
        Assert.AreEqual(Epoch, new DateTimeOffset(File.GetLastWriteTimeUtc(Path.Combine(target, "init"))).ToUnixTimeSeconds());
        Assert.AreEqual("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", new FileInfo(Path.Combine(target, "usr/lib64/ld-linux-x86-64.so.2")).LinkTarget);
    }
}
