// Cross-checks the newc archive writer against GNU cpio and bsdtar (libarchive): listing, extraction to the same tree,
// byte-identical rebuilds from other folders and times, gzip members and concatenated archives.
using System.IO.Compression;
using System.Text.RegularExpressions;
using CcImage.Core.Cpio;
using CcImage.Tests.Verity;

namespace CcImage.Tests.Cpio;

[TestClass]
public sealed class CpioCrossCheckTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("cpio-x");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private string At(string name) => Path.Combine(_dir, name);

    private static byte[] Build(string folder, uint mtime = 0, bool forceRootOwner = false)
    {
        var builder = new CpioArchiveBuilder(mtime);
        builder.AddFolder(folder, forceRootOwner: forceRootOwner);
        using var memory = new MemoryStream();
        builder.WriteTo(memory);
        return memory.ToArray();
    }

    private string ExtractWithCpio(string archive, string name)
    {
        string target = At(name);
        Directory.CreateDirectory(target);
        var result = ReferenceTool.Run("cpio", ["-idm", "--quiet", "--no-absolute-filenames", "-F", archive], target);
        Assert.AreEqual(0, result.ExitCode, result.StandardError);
        return target;
    }

    private string ExtractWithBsdtar(string archive, string name)
    {
        string target = At(name);
        Directory.CreateDirectory(target);
        var result = ReferenceTool.Run("bsdtar", ["-xpf", archive, "-C", target]);
        Assert.AreEqual(0, result.ExitCode, result.StandardError);
        return target;
    }

    [TestMethod]
    public void Archive_FromFolder_ExtractsWithCpioAndBsdtar_ToTheSameTree()
    {
        string source = At("source");
        CpioTestTree.Create(source, new DateTime(2021, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        File.WriteAllBytes(At("a.cpio"), Build(source));
        var expected = CpioTestTree.Describe(source);

        var byCpio = CpioTestTree.Describe(ExtractWithCpio(At("a.cpio"), "x-cpio"));
        var byBsdtar = CpioTestTree.Describe(ExtractWithBsdtar(At("a.cpio"), "x-bsdtar"));
        CollectionAssert.AreEqual(expected.ToList(), byCpio.ToList(), Diff(expected, byCpio));
        CollectionAssert.AreEqual(expected.ToList(), byBsdtar.ToList(), Diff(expected, byBsdtar));
    }

    private static string Diff(SortedDictionary<string, string> a, SortedDictionary<string, string> b) =>
        string.Join("\n", a.Keys.Union(b.Keys).Where(k => a.GetValueOrDefault(k) != b.GetValueOrDefault(k))
            .Select(k => $"{k}: expected [{a.GetValueOrDefault(k)}] got [{b.GetValueOrDefault(k)}]"));

    [TestMethod]
    public void Archive_ListsWithCpio_InCanonicalOrder_WithTypesModesOwnersAndTime()
    {
        string source = At("source");
        CpioTestTree.Create(source, DateTime.UtcNow);
        // 2023-11-14 12:00 UTC: the same calendar day in the time zones cpio may print it in.
        File.WriteAllBytes(At("a.cpio"), Build(source, mtime: 1_699_963_200));
        var list = ReferenceTool.Run("cpio", ["-itv", "--numeric-uid-gid", "--quiet", "-F", At("a.cpio")], _dir,
            null);
        Assert.AreEqual(0, list.ExitCode, list.StandardError);
        var lines = list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var names = lines.Select(l => Regex.Match(l, @"Nov 1[345]\s+2023 (.*?)( -> .*)?$").Groups[1].Value).ToList();
        Assert.IsTrue(names.All(n => n.Length > 0), "every entry has the SOURCE_DATE_EPOCH time: " + list.StandardOutput);
        var sorted = names.OrderBy(n => n, Comparer<string>.Create((a, b) =>
            System.Text.Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(System.Text.Encoding.UTF8.GetBytes(b)))).ToList();
        CollectionAssert.AreEqual(sorted, names, "entries sorted by path bytes");
        CollectionAssert.AreEquivalent(CpioTestTree.Describe(source).Keys.ToList(), names);
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^-rwsr-xr-x\s+1 0\s+0\s+1 .* bin/su$"));
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^drwxrwxrwt\s+2 0\s+0 .* tmp$"));
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^-rw-r-----\s+1 1000\s+1001\s+2 .* etc/two$"));
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^lrwxrwxrwx\s+1 42\s+43\s+4 .* bin/sh -> init$"));
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^crw--w----\s+1 0\s+0\s+300,\s*70000 .* dev/big$"));
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^brw-------\s+1 0\s+0\s+7,\s*7 .* dev/loop7$"));
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^prw-r-----\s+1 0\s+0 .* tmp/fifo$"));
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^-rwxr-xr-x\s+3 0\s+0 .* usr/lib/a-hard$"));
        StringAssert.Matches(list.StandardOutput, new Regex(@"(?m)^drwxr-xr-x\s+3 0\s+0 .* usr/lib$"), "nlink 2 + 1 subfolder");
    }

    [TestMethod]
    public void Archive_SameTreeFromOtherFoldersAndTimes_IsByteIdentical()
    {
        CpioTestTree.Create(At("first"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        Thread.Sleep(1100);
        CpioTestTree.Create(At("second/elsewhere"), new DateTime(2024, 12, 31, 23, 59, 59, DateTimeKind.Utc));
        CollectionAssert.AreEqual(Build(At("first")), Build(At("second/elsewhere")));
        CollectionAssert.AreEqual(Build(At("first"), 5, forceRootOwner: true), Build(At("second/elsewhere"), 5, forceRootOwner: true));
        CollectionAssert.AreNotEqual(Build(At("first"), 5), Build(At("first"), 6), "the mtime is the one given");
    }

    [TestMethod]
    public void Archive_ForceRootOwner_ExtractsAsRoot()
    {
        string source = At("source");
        CpioTestTree.Create(source, DateTime.UtcNow);
        File.WriteAllBytes(At("a.cpio"), Build(source, forceRootOwner: true));
        var extracted = CpioTestTree.Describe(ExtractWithBsdtar(At("a.cpio"), "x"));
        Assert.IsTrue(extracted.Values.All(v => v.Contains("owner=0:0")), string.Join("\n", extracted.Values));
        Assert.HasCount(CpioTestTree.Describe(source).Count, extracted);
    }

    [TestMethod]
    public void Archive_InMemoryEntries_ExtractWithChosenModesOwnersAndParents()
    {
        var builder = new CpioArchiveBuilder();
        builder.Add(CpioEntry.File("/init", "#!/bin/sh\n"u8.ToArray(), permissions: 0x1ED));
        builder.Add(CpioEntry.File("etc/secret/key", [1, 2, 3], permissions: 0x180, uid: 999, gid: 998));
        builder.Add(CpioEntry.HardLink("etc/secret/key2", "etc/secret/key"));
        builder.Add(CpioEntry.Device("dev/console", CpioEntryType.CharDevice, 5, 1));
        builder.Add(CpioEntry.Symlink("sbin", "usr/sbin"));
        builder.Add(CpioEntry.Fifo("run/initctl"));
        builder.Add(CpioEntry.FileFromDisk("usr/share/big", WriteBig(), uid: 1));
        using (var file = File.Create(At("m.cpio")))
            builder.WriteTo(file);

        foreach (string target in new[] { ExtractWithCpio(At("m.cpio"), "x-cpio"), ExtractWithBsdtar(At("m.cpio"), "x-bsdtar") })
        {
            var tree = CpioTestTree.Describe(target);
            StringAssert.StartsWith(tree["init"], "type=8000 perm=755 owner=0:0");
            StringAssert.StartsWith(tree["etc/secret/key"], "type=8000 perm=600 owner=999:998");
            StringAssert.EndsWith(tree["etc/secret/key2"], "links=etc/secret/key,etc/secret/key2");
            Assert.AreEqual("type=2000 perm=600 owner=0:0 rdev=5:1", tree["dev/console"]);
            Assert.AreEqual("type=A000 perm=777 owner=0:0 -> usr/sbin", tree["sbin"]);
            StringAssert.StartsWith(tree["run/initctl"], "type=1000 perm=644");
            StringAssert.StartsWith(tree["etc/secret"], "type=4000 perm=755 owner=0:0", "missing parents are added");
            CollectionAssert.AreEqual(File.ReadAllBytes(At("big")), File.ReadAllBytes(Path.Combine(target, "usr/share/big")));
        }
    }

    private string WriteBig()
    {
        var bytes = new byte[3 * 1024 * 1024 + 3];
        new Random(5).NextBytes(bytes);
        File.WriteAllBytes(At("big"), bytes);
        return At("big");
    }

    [TestMethod]
    public void Gzip_HasFixedHeader_AndExtractsWithGunzipCpioAndBsdtar()
    {
        string source = At("source");
        CpioTestTree.Create(source, DateTime.UtcNow);
        var builder = new CpioArchiveBuilder();
        builder.AddFolder(source);
        InitramfsFile.Write(At("a.cpio.gz"), [(builder, CpioCompression.Gzip)]);
        byte[] gz = File.ReadAllBytes(At("a.cpio.gz"));
        CollectionAssert.AreEqual(new byte[] { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3 }, gz[..10], "no name, MTIME 0, OS Unix");
        Assert.AreEqual(0, ReferenceTool.Run("gzip", ["-t", At("a.cpio.gz")]).ExitCode, "gzip -t accepts it (CRC and size)");
        using (var plain = new MemoryStream())
        {
            builder.WriteTo(plain);
            using var gunzip = new GZipStream(new MemoryStream(gz), CompressionMode.Decompress);
            using var back = new MemoryStream();
            gunzip.CopyTo(back);
            CollectionAssert.AreEqual(plain.ToArray(), back.ToArray());
        }
        var expected = CpioTestTree.Describe(source);
        var byBsdtar = CpioTestTree.Describe(ExtractWithBsdtar(At("a.cpio.gz"), "x-bsdtar"));
        CollectionAssert.AreEqual(expected.ToList(), byBsdtar.ToList(), Diff(expected, byBsdtar));
        InitramfsFile.Write(At("b.cpio.gz"), [(builder, CpioCompression.Gzip)], CompressionLevel.Fastest);
        Assert.AreEqual(0, ReferenceTool.Run("gzip", ["-t", At("b.cpio.gz")]).ExitCode);
        InitramfsFile.Write(At("c.cpio.gz"), [(builder, CpioCompression.Gzip)]);
        CollectionAssert.AreEqual(gz, File.ReadAllBytes(At("c.cpio.gz")), "same input, same bytes");
    }

    [TestMethod]
    public void Concatenated_EarlyUncompressedThenGzip_EachPartExtracts()
    {
        var early = new CpioArchiveBuilder();
        early.Add(CpioEntry.File("kernel/x86/microcode/AuthenticAMD.bin", [0xAA, 0xBB, 0xCC, 0xDD, 0xEE]));
        var main = new CpioArchiveBuilder();
        main.Add(CpioEntry.File("init", "#!/bin/sh\n"u8.ToArray(), permissions: 0x1ED));
        InitramfsFile.Write(At("initrd.img"), [(early, CpioCompression.None), (main, CpioCompression.Gzip)]);

        byte[] all = File.ReadAllBytes(At("initrd.img"));
        using var earlyBytes = new MemoryStream();
        early.WriteTo(earlyBytes);
        int split = (int)earlyBytes.Length;
        Assert.AreEqual(0, split % 4);
        CollectionAssert.AreEqual(earlyBytes.ToArray(), all[..split]);
        CollectionAssert.AreEqual(new byte[] { 0x1f, 0x8b }, all[split..(split + 2)]);

        // cpio reads the first archive and stops at its trailer; the rest is the gzip member.
        string first = ExtractWithCpio(At("initrd.img"), "x-early");
        CollectionAssert.AreEqual(new byte[] { 0xAA, 0xBB, 0xCC, 0xDD, 0xEE },
            File.ReadAllBytes(Path.Combine(first, "kernel/x86/microcode/AuthenticAMD.bin")));
        File.WriteAllBytes(At("rest.gz"), all[split..]);
        string second = ExtractWithBsdtar(At("rest.gz"), "x-main");
        Assert.AreEqual("#!/bin/sh\n", File.ReadAllText(Path.Combine(second, "init")));
    }
}
