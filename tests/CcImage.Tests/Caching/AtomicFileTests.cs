// AtomicFile: temps are named OUT.tmp-<pid>-<random>; a write removes the temps of its output left by processes that
// no longer run and keeps those of running ones; outputs that are folders or read-only are refused.
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Caching;

[TestClass]
public class AtomicFileTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("atomic");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void TempPathFor_IsNamedAfterTheOutputWithThePid()
    {
        string output = Path.Combine(_dir, "disk.qcow2");
        StringAssert.StartsWith(AtomicFile.TempPathFor(output), output + ".tmp-" + Environment.ProcessId + "-");
    }

    [TestMethod]
    public void Write_StaleTempsOfDeadProcesses_AreRemovedOthersKept()
    {
        string output = Path.Combine(_dir, "disk.qcow2");
        string dead = output + ".tmp-999999999-0123456789ab";
        string live = output + ".tmp-1-0123456789ab"; // pid 1 always runs
        string other = Path.Combine(_dir, "other.qcow2.tmp-999999999-0123456789ab");
        foreach (string f in new[] { dead, live, other })
            File.WriteAllText(f, "x");
        AtomicFile.WriteAllText(output, "done");
        Assert.IsFalse(File.Exists(dead));
        Assert.IsTrue(File.Exists(live));
        Assert.IsTrue(File.Exists(other), "temps of another output are not ours to remove");
        Assert.AreEqual("done", File.ReadAllText(output));
    }

    [TestMethod]
    public void Write_ReadOnlyOrFolderDestination_ThrowsAndKeepsIt()
    {
        string output = Path.Combine(_dir, "ro.json");
        File.WriteAllText(output, "keep");
        File.SetAttributes(output, FileAttributes.ReadOnly);
        Assert.AreEqual("CCIMG1155", Assert.ThrowsExactly<CcImageException>(() => AtomicFile.WriteAllText(output, "new")).Code);
        Assert.AreEqual("keep", File.ReadAllText(output));
        Assert.AreEqual("CCIMG1154", Assert.ThrowsExactly<CcImageException>(() => AtomicFile.WriteAllText(_dir, "new")).Code);
        Assert.HasCount(1, Directory.GetFiles(_dir));
    }
}
