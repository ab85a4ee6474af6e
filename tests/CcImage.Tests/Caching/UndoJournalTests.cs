// UndoJournal: rollback restores overwritten bytes and the original length; a journal left by a dead process is rolled
// back by the next open, one of a live process refuses with CCIMG2504, and a record torn by a kill is ignored.
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Verity;

namespace CcImage.Tests.Caching;

[TestClass]
public class UndoJournalTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("undo");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private string NewFile(int length)
    {
        string path = Path.Combine(_dir, "file.img");
        File.WriteAllBytes(path, Enumerable.Range(0, length).Select(i => (byte)(i * 31)).ToArray());
        return path;
    }

    [TestMethod]
    public void Rollback_AfterOverwritesAndGrowth_RestoresEveryByteAndTheLength()
    {
        string path = NewFile(10000);
        byte[] before = File.ReadAllBytes(path);
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var journal = UndoJournal.Begin(path, file);
            journal.Write(new byte[3000], 100);
            journal.Write(new byte[500], 2000); // overlaps the first write
            journal.SetLength(50000);
            journal.Write(new byte[] { 1, 2, 3 }, 40000);
            journal.Rollback();
        }
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        Assert.HasCount(1, Directory.GetFiles(_dir));
    }

    [TestMethod]
    public void RecoverInterrupted_JournalOfADeadProcess_RollsBack()
    {
        string path = NewFile(8192);
        byte[] before = File.ReadAllBytes(path);
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var journal = UndoJournal.Begin(path, file);
            journal.Write(new byte[4096], 0);
            journal.SetLength(20000);
            // Pretend the process was killed here: the journal stays, under the name of a process that does not run.
        }
        File.Move(UndoJournal.PathFor(path, Environment.ProcessId), UndoJournal.PathFor(path, 999_999_999));
        UndoJournal.RecoverInterrupted(path);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        Assert.HasCount(1, Directory.GetFiles(_dir));
    }

    [TestMethod]
    public void RecoverInterrupted_TornLastRecord_IsIgnored()
    {
        string path = NewFile(8192);
        byte[] before = File.ReadAllBytes(path);
        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            var journal = UndoJournal.Begin(path, file);
            journal.Write(new byte[100], 0);
        }
        string dead = UndoJournal.PathFor(path, 999_999_998);
        File.Move(UndoJournal.PathFor(path, Environment.ProcessId), dead);
        using (var f = new FileStream(dead, FileMode.Append))
            f.Write(new byte[] { 5, 0, 0, 0, 0, 0, 0, 0, 200, 0, 0 }); // a record header cut short: its write never happened
        UndoJournal.RecoverInterrupted(path);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
    }

    [TestMethod]
    public void RecoverInterrupted_JournalOfARunningProcess_ThrowsCcimg2504()
    {
        string path = NewFile(100);
        File.WriteAllBytes(UndoJournal.PathFor(path, 1), []); // pid 1 always runs
        var e = Assert.ThrowsExactly<CcImageException>(() => UndoJournal.RecoverInterrupted(path));
        Assert.AreEqual("CCIMG2504", e.Code);
    }

    [TestMethod]
    public void AppendToImage_Cancelled_LeavesImageByteIdentical()
    {
        string path = NewFile(1_000_001); // not a whole number of blocks: AppendToImage pads it first
        byte[] before = File.ReadAllBytes(path);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var parameters = new VerityParameters { Salt = [1, 2, 3], Uuid = "11111111-2222-3333-4444-555555555555" };
        Assert.ThrowsExactly<OperationCanceledException>(() => VerityFormatter.AppendToImage(path, parameters, cancellationToken: cts.Token));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
        Assert.HasCount(1, Directory.GetFiles(_dir));
    }
}
