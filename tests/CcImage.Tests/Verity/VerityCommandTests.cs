// The `ccimage verity format|verify` command line: veritysetup's output and options, exit codes, one-line errors.
namespace CcImage.Tests.Verity;

[TestClass]
public sealed class VerityCommandTests
{
    private const string Uuid = "12345678-1234-5678-9abc-def012345678";
    private string _dir = "";

    [TestInitialize]
    public void Setup()
    {
        _dir = TestPaths.NewTempDir("verity-cli");
        var data = new byte[4096 * 300 + 17];
        new Random(7).NextBytes(data);
        File.WriteAllBytes(Path.Combine(_dir, "data"), data);
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private string At(string name) => Path.Combine(_dir, name);

    [TestMethod]
    [DataRow("--salt", "0011")]
    [DataRow("--salt", "-", "--no-superblock")]
    [DataRow("--salt", "abcdef", "--hash", "sha512", "--format", "0", "--hash-block-size", "1024", "--data-block-size", "512")]
    [DataRow("--salt", "abcdef", "--hash-offset", "8192", "--data-blocks", "200", "--hash", "sha1")]
    public void Format_PrintsVeritysetupHeader_AndWritesSameHashFile(params string[] options)
    {
        var ours = ReferenceTool.Ccimage(["verity", "format", At("data"), At("ours"), "--uuid", Uuid, .. options]);
        var theirs = ReferenceTool.Run("veritysetup", ["format", At("data"), At("theirs"), "--uuid", Uuid, .. options]);
        Assert.AreEqual(0, ours.ExitCode, ours.StandardError);
        Assert.AreEqual(0, theirs.ExitCode, theirs.StandardError);
        // Same lines after the first (which names the hash file).
        Assert.AreEqual(theirs.StandardOutput.Replace(At("theirs"), "HASH"), ours.StandardOutput.Replace(At("ours"), "HASH"));
        CollectionAssert.AreEqual(File.ReadAllBytes(At("theirs")), File.ReadAllBytes(At("ours")));
    }

    [TestMethod]
    public void Format_HashEqualsData_AppendsAtOffset_LikeVeritysetup()
    {
        File.Copy(At("data"), At("ours"));
        File.Copy(At("data"), At("theirs"));
        string[] options = ["--hash-offset", "1232896", "--salt", "0102", "--uuid", Uuid, "--hash-block-size", "2048"];
        var ours = ReferenceTool.Ccimage(["verity", "format", At("ours"), At("ours"), .. options]);
        var theirs = ReferenceTool.Run("veritysetup", ["format", At("theirs"), At("theirs"), .. options]);
        Assert.AreEqual(0, ours.ExitCode, ours.StandardError);
        Assert.AreEqual(0, theirs.ExitCode, theirs.StandardError);
        Assert.AreEqual(theirs.StandardOutput.Replace(At("theirs"), "F"), ours.StandardOutput.Replace(At("ours"), "F"));
        CollectionAssert.AreEqual(File.ReadAllBytes(At("theirs")), File.ReadAllBytes(At("ours")));
        string root = ReferenceTool.RootHashLine(ours.StandardOutput);
        Assert.AreEqual(0, ReferenceTool.Ccimage("verity", "verify", At("ours"), At("ours"), root, "--hash-offset", "1232896").ExitCode);
        // A second format without --data-blocks would hash the hash area too: refused, as veritysetup does.
        Assert.AreEqual(1, ReferenceTool.Ccimage(["verity", "format", At("ours"), At("ours"), .. options]).ExitCode);
    }

    [TestMethod]
    public void Format_WithoutSalt_UsesRandomSaltAndUuid_LikeVeritysetup()
    {
        var first = ReferenceTool.Ccimage("verity", "format", At("data"), At("h1"));
        var second = ReferenceTool.Ccimage("verity", "format", At("data"), At("h2"));
        Assert.AreEqual(0, first.ExitCode, first.StandardError);
        StringAssert.Matches(first.StandardOutput, new System.Text.RegularExpressions.Regex(@"Salt:\s+\t[0-9a-f]{64}\n"));
        Assert.AreNotEqual(ReferenceTool.RootHashLine(first.StandardOutput), ReferenceTool.RootHashLine(second.StandardOutput));
    }

    [TestMethod]
    public void Format_WithSaltSeed_IsReproducible_AndVerifiesWithVeritysetup()
    {
        var first = ReferenceTool.Ccimage("verity", "format", At("data"), At("h1"), "--salt-seed", "site-a/root");
        var second = ReferenceTool.Ccimage("verity", "format", At("data"), At("h2"), "--salt-seed", "site-a/root");
        Assert.AreEqual(0, first.ExitCode, first.StandardError);
        Assert.AreEqual(first.StandardOutput.Replace(At("h1"), "H"), second.StandardOutput.Replace(At("h2"), "H"));
        CollectionAssert.AreEqual(File.ReadAllBytes(At("h1")), File.ReadAllBytes(At("h2")));
        string root = ReferenceTool.RootHashLine(first.StandardOutput);
        Assert.AreEqual(0, ReferenceTool.Run("veritysetup", ["verify", At("data"), At("h1"), root]).ExitCode);
    }

    [TestMethod]
    public void Verify_WithRootHashFile_AcceptsGoodDevice_AndNamesCorruptBlock()
    {
        var format = ReferenceTool.Ccimage("verity", "format", At("data"), At("hash"), "--salt", "ab", "--uuid", Uuid,
            "--root-hash-file", At("root"));
        Assert.AreEqual(0, format.ExitCode, format.StandardError);
        Assert.AreEqual(ReferenceTool.RootHashLine(format.StandardOutput), File.ReadAllText(At("root")));
        Assert.AreEqual(0, ReferenceTool.Ccimage("verity", "verify", At("data"), At("hash"), "--root-hash-file", At("root")).ExitCode);

        byte[] data = File.ReadAllBytes(At("data"));
        data[4096 * 123 + 5] ^= 0x10;
        File.WriteAllBytes(At("data"), data);
        var bad = ReferenceTool.Ccimage("verity", "verify", At("data"), At("hash"), File.ReadAllText(At("root")));
        Assert.AreEqual(1, bad.ExitCode);
        StringAssert.Contains(bad.StandardError, "data block 123 ");
        Assert.HasCount(1, bad.StandardError.TrimEnd().Split('\n'), bad.StandardError);
    }

    [TestMethod]
    public void Verify_NoSuperblock_NeedsSalt_AndMatchesVeritysetup()
    {
        var format = ReferenceTool.Ccimage("verity", "format", At("data"), At("hash"), "--salt", "abcd", "--no-superblock",
            "--hash", "sha1");
        string root = ReferenceTool.RootHashLine(format.StandardOutput);
        var missingSalt = ReferenceTool.Ccimage("verity", "verify", At("data"), At("hash"), root, "--no-superblock", "--hash", "sha1");
        Assert.AreEqual(1, missingSalt.ExitCode);
        StringAssert.Contains(missingSalt.StandardError, "CCIMG2219");
        Assert.AreEqual(0, ReferenceTool.Ccimage("verity", "verify", At("data"), At("hash"), root, "--no-superblock",
            "--hash", "sha1", "--salt", "abcd").ExitCode);
        Assert.AreEqual(0, ReferenceTool.Run("veritysetup", ["verify", At("data"), At("hash"), root, "--no-superblock",
            "--hash", "sha1", "--salt", "abcd"]).ExitCode);
    }

    [TestMethod]
    [DataRow("CCIMG2206", "--salt", "abc")]
    [DataRow("CCIMG2202", "--data-block-size", "1000")]
    [DataRow("CCIMG2202", "--hash-block-size", "1048576")]
    [DataRow("CCIMG2204", "--hash-offset", "1000")]
    [DataRow("CCIMG2201", "--hash", "md5")]
    [DataRow("CCIMG2203", "--format", "2")]
    [DataRow("CCIMG2208", "--uuid", "not-a-uuid")]
    [DataRow("CCIMG2211", "--data-blocks", "301")]
    public void Format_BadOption_FailsWithOneLine(string code, params string[] options)
    {
        var result = ReferenceTool.Ccimage(["verity", "format", At("data"), At("hash"), .. options]);
        Assert.AreEqual(1, result.ExitCode);
        Assert.HasCount(1, result.StandardError.TrimEnd().Split('\n'), result.StandardError);
        StringAssert.Contains(result.StandardError, code);
        Assert.IsFalse(File.Exists(At("hash")), "no hash file is left behind");
        Assert.IsEmpty(Directory.GetFiles(_dir, "*.tmp-*"), "no temporary file is left behind");
    }

    [TestMethod]
    public void Format_SameFileWithoutOffsetRoom_ReportsOverlap()
    {
        var result = ReferenceTool.Ccimage("verity", "format", At("data"), At("data"), "--hash-offset", "4096");
        Assert.AreEqual(1, result.ExitCode);
        StringAssert.Contains(result.StandardError, "CCIMG2210");
    }
}
