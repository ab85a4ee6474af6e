// Issue 12's command-line recipes: hostile paths and sizes give one coded line (never a stack trace, never a hang) and
// leave nothing behind; outputs that would destroy an input, replace a read-only file or need a missing folder are
// refused before anything is written, as qemu-img and veritysetup refuse them.
using System.Diagnostics;
using CcImage.Tests.Snp;

namespace CcImage.Tests.Robustness;

[TestClass]
public class CliFileRecipeTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("cli-recipes");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private string Path(string name) => System.IO.Path.Combine(_dir, name);

    private string Sparse(string name, long bytes)
    {
        string path = Path(name);
        using var f = new FileStream(path, FileMode.Create);
        f.SetLength(bytes);
        return path;
    }

    private void AssertListing(params string[] expected) =>
        CollectionAssert.AreEqual(expected, Directory.GetFileSystemEntries(_dir).Select(System.IO.Path.GetFileName).Order().ToArray());

    [TestMethod]
    public void VerityFormat_HashOffsetPastFileSystemLimit_ThrowsCcimg2509AndLeavesNoHashFile()
    {
        string data = Sparse("d.img", 1 << 20);
        var r = RecipeDisks.Cli("verity", "format", data, Path("h.img"), "--salt", "-", "--hash-offset", "17592186044416");
        RecipeDisks.AssertFailsWith(r, "CCIMG2509");
        AssertListing("d.img");
    }

    [TestMethod]
    [DataRow("/dev/zero")]
    [DataRow("/dev/urandom")]
    [DataRow("fifo")]
    [DataRow("folder")]
    public void Measure_DeviceFifoOrFolderAsOvmfOrKernel_ThrowsCcimg1150Quickly(string input)
    {
        string path = input;
        if (input == "fifo")
        {
            path = Path("fifo");
            ProcessResult.Run("mkfifo", [path]).AssertSuccess("mkfifo");
        }
        else if (input == "folder")
        {
            path = Path("folder");
            Directory.CreateDirectory(path);
        }
        string ovmf = Path("ovmf.fd");
        File.WriteAllBytes(ovmf, SnpTestImages.AmdSevLike());
        var watch = Stopwatch.StartNew();
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("measure", "--mode", "snp", "--vcpus", "1", "--ovmf", path), "CCIMG1150");
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("measure", "--mode", "snp", "--vcpus", "1", "--ovmf", ovmf, "--kernel", path), "CCIMG1150");
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("measure", "--mode", "snp", "--vcpus", "1", "--ovmf", ovmf, "--kernel", ovmf, "--initrd", path), "CCIMG1150");
        Assert.IsLessThan(60, watch.Elapsed.TotalSeconds, "the inputs must be refused before they are read");
    }

    [TestMethod]
    public void Measure_MissingOvmfOrKernel_ThrowsCcimg1003NamingTheOption()
    {
        string ovmf = Path("ovmf.fd");
        File.WriteAllBytes(ovmf, SnpTestImages.AmdSevLike());
        var r = RecipeDisks.Cli("measure", "--mode", "snp", "--vcpus", "1", "--ovmf", Path("none.fd"));
        RecipeDisks.AssertFailsWith(r, "CCIMG1003");
        StringAssert.Contains(r.StandardError, "--ovmf");
        r = RecipeDisks.Cli("measure", "--mode", "snp", "--vcpus", "1", "--ovmf", ovmf, "--kernel", Path("none"));
        RecipeDisks.AssertFailsWith(r, "CCIMG1003");
        StringAssert.Contains(r.StandardError, "--kernel");
    }

    [TestMethod]
    public void Convert_OutputIsTheInput_ThrowsCcimg1156AndKeepsTheInput()
    {
        string raw = Path("x.raw");
        File.WriteAllBytes(raw, Enumerable.Range(0, 65536).Select(i => (byte)i).ToArray());
        byte[] before = File.ReadAllBytes(raw);
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("qcow2", "convert", raw, raw), "CCIMG1156");
        File.CreateSymbolicLink(Path("link.raw"), raw);
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("qcow2", "convert", raw, Path("link.raw")), "CCIMG1156");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(raw));
        AssertListing("link.raw", "x.raw");
    }

    [TestMethod]
    public void Convert_ReadOnlyDestination_ThrowsCcimg1155AndKeepsIt()
    {
        string raw = Sparse("x.raw", 1 << 20);
        string output = Path("ro.qcow2");
        File.WriteAllText(output, "keep me");
        File.SetAttributes(output, FileAttributes.ReadOnly); // on Unix: every write permission bit cleared
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("qcow2", "convert", raw, output), "CCIMG1155");
        Assert.AreEqual("keep me", File.ReadAllText(output));
        AssertListing("ro.qcow2", "x.raw");
    }

    [TestMethod]
    public void Convert_Qcow2Input_IsReadAsQcow2AndQemuCompareAgrees()
    {
        string raw = Path("x.raw");
        File.WriteAllBytes(raw, Enumerable.Range(0, 3 << 20).Select(i => (byte)(i * 7)).ToArray());
        string compressed = RecipeDisks.ToQcow2(raw, Path("in.qcow2"), "-c", "-o", "cluster_size=4096");
        RecipeDisks.Cli("qcow2", "convert", compressed, Path("out.qcow2")).AssertSuccess("convert qcow2 input");
        QemuImg.AssertCheckClean(Path("out.qcow2"));
        QemuImg.AssertIdentical(raw, Path("out.qcow2"));
        Assert.AreEqual(new FileInfo(raw).Length, QemuImg.Info(Path("out.qcow2")).GetProperty("virtual-size").GetInt64());
    }

    [TestMethod]
    public void ConvertAndVerityFormat_MissingOutputFolder_ThrowCcimg1153AndCreateNothing()
    {
        string raw = Sparse("x.raw", 1 << 20);
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("qcow2", "convert", raw, Path("no/such/out.qcow2")), "CCIMG1153");
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("verity", "format", raw, Path("no/h.img"), "--salt", "-"), "CCIMG1153");
        AssertListing("x.raw");
    }

    [TestMethod]
    public void ConvertAndInfo_FolderAsFile_ThrowCcimg1154Or1150()
    {
        string raw = Sparse("x.raw", 1 << 20);
        Directory.CreateDirectory(Path("dir"));
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("qcow2", "convert", raw, Path("dir")), "CCIMG1154");
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("qcow2", "convert", Path("dir"), Path("o.qcow2")), "CCIMG1150");
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("qcow2", "info", Path("dir")), "CCIMG1150");
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("qcow2", "resize", Path("dir"), "+1M"), "CCIMG1150");
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("verity", "format", Path("dir"), Path("h.img"), "--salt", "-"), "CCIMG1150");
    }

    [TestMethod]
    public void VerityVerify_HashOffsetPastTheEnd_ThrowsCcimg2508()
    {
        string data = Sparse("d.img", 1 << 20);
        RecipeDisks.Cli("verity", "format", data, Path("h.img"), "--salt", "-").AssertSuccess("verity format");
        var r = RecipeDisks.Cli("verity", "verify", data, Path("h.img"), new string('0', 64), "--hash-offset", "9223372036854775296");
        RecipeDisks.AssertFailsWith(r, "CCIMG2508");
    }

    [TestMethod]
    public void VerityFormat_UnwritableRootHashFile_FailsBeforeWritingTheHashFile()
    {
        string data = Sparse("d.img", 1 << 20);
        Directory.CreateDirectory(Path("dir"));
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("verity", "format", data, Path("h.img"), "--salt", "-", "--root-hash-file", Path("missing/root")), "CCIMG1153");
        RecipeDisks.AssertFailsWith(RecipeDisks.Cli("verity", "format", data, Path("h.img"), "--salt", "-", "--root-hash-file", Path("dir")), "CCIMG1154");
        AssertListing("d.img", "dir");
    }
}
