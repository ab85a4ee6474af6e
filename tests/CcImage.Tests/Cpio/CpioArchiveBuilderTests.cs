// The newc writer's exact bytes (header fields, padding, trailer) and its checks on bad entries.
using System.Text;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Cpio;

[TestClass]
public sealed class CpioArchiveBuilderTests
{
    private static string Bytes(CpioArchiveBuilder builder)
    {
        using var memory = new MemoryStream();
        builder.WriteTo(memory);
        return Encoding.ASCII.GetString(memory.ToArray()).Replace('\0', '.');
    }

    [TestMethod]
    public void OneFile_WritesNewcHeaderNameDataPaddingAndTrailer()
    {
        var builder = new CpioArchiveBuilder(mtime: 0x5F5E100);
        builder.Add(CpioEntry.File("ab", "xyz"u8.ToArray(), permissions: 0x1A4, uid: 1, gid: 2));
        string expected =
            // magic, ino 1, mode 0100644, uid 1, gid 2, nlink 1, mtime, size 3, dev 0:0, rdev 0:0, namesize 3, check 0
            "070701" + "00000001" + "000081A4" + "00000001" + "00000002" + "00000001" + "05F5E100" + "00000003" +
            "00000000" + "00000000" + "00000000" + "00000000" + "00000003" + "00000000" + "ab." + "..." + // 110+3 → pad to 116
            "xyz" + "." +                                                                                   // 3 → pad to 4
            "070701" + "00000000" + "00000000" + "00000000" + "00000000" + "00000001" + "00000000" + "00000000" +
            "00000000" + "00000000" + "00000000" + "00000000" + "0000000B" + "00000000" + "TRAILER!!!." + "...";
        Assert.AreEqual(expected, Bytes(builder));
    }

    [TestMethod]
    public void HardLinks_ShareInode_AndOnlyTheLastCarriesData()
    {
        var builder = new CpioArchiveBuilder();
        builder.Add(CpioEntry.File("b", "data"u8.ToArray()));
        builder.Add(CpioEntry.HardLink("a", "b"));
        builder.Add(CpioEntry.HardLink("c", "a"));
        string text = Bytes(builder);
        var headers = System.Text.RegularExpressions.Regex.Matches(text, "070701([0-9A-F]{8})[0-9A-F]{24}([0-9A-F]{8})[0-9A-F]{8}([0-9A-F]{8})[0-9A-F]{48}(.)")
            .Select(m => (Ino: m.Groups[1].Value, Nlink: m.Groups[2].Value, Size: m.Groups[3].Value, Name: m.Groups[4].Value)).ToList();
        CollectionAssert.AreEqual(new[] { ("00000001", "00000003", "00000000", "a"), ("00000001", "00000003", "00000000", "b"),
            ("00000001", "00000003", "00000004", "c"), ("00000000", "00000001", "00000000", "T") }, headers);
    }

    [TestMethod]
    [DataRow("../etc")]
    [DataRow("a//b")]
    [DataRow("a/./b")]
    [DataRow("")]
    public void Add_BadPath_IsAnError(string path)
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => new CpioArchiveBuilder().Add(CpioEntry.Directory(path)));
        Assert.AreEqual("CCIMG2301", e.Code);
    }

    [TestMethod]
    public void Add_SamePathTwice_IsAnError_ButSetReplaces()
    {
        var builder = new CpioArchiveBuilder();
        builder.Add(CpioEntry.File("etc/x", [1]));
        Assert.AreEqual("CCIMG2302", Assert.ThrowsExactly<CcImageException>(() => builder.Add(CpioEntry.File("/etc/x", [2]))).Code);
        builder.Set(CpioEntry.File("etc/x", [2]));
        StringAssert.Contains(Bytes(builder), "etc/x");
    }

    [TestMethod]
    public void Write_ChildOfFile_OrLinkToMissingFile_IsAnError()
    {
        var builder = new CpioArchiveBuilder();
        builder.Add(CpioEntry.File("etc", [1]));
        builder.Add(CpioEntry.File("etc/x", [1]));
        Assert.AreEqual("CCIMG2303", Assert.ThrowsExactly<CcImageException>(() => Bytes(builder)).Code);
        var links = new CpioArchiveBuilder();
        links.Add(CpioEntry.HardLink("a", "missing"));
        Assert.AreEqual("CCIMG2306", Assert.ThrowsExactly<CcImageException>(() => Bytes(links)).Code);
    }
}
