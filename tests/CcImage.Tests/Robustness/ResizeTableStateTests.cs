// `ccimage qcow2 resize` on images in the table states the qcow2-tables fuzz findings reduce to (Qcow2TableFixture),
// judged by qemu-img check: compressed data that shares its host cluster with a data cluster or an L2 table is refused
// before anything is written (CCIMG2510: the resize used to free the compressed data and leave the data cluster at
// refcount 1 with OFLAG_COPIED clear); a preallocated zero cluster with a leaked refcount keeps OFLAG_COPIED clear when
// the GPT is written into it; compressed data running past the end of the file is never handed out again.
using System.Text.Json;
using CcImage.Core.Tools;
using CcImage.Tests.Gpt;
using static CcImage.Core.Qcow2.Qcow2Format;

namespace CcImage.Tests.Robustness;

[TestClass]
public class ResizeTableStateTests
{
    private const long DiskBytes = 24L << 20;
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("resize-table-states");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The findings' state: the compressed cluster holding the backup GPT header (which --grow-gpt clears, so it is
    /// copied out and its compressed bytes freed), alone in its host cluster, shares that host cluster with a data
    /// cluster another L2 entry maps: refcount 2, OFLAG_COPIED clear — consistent, so `qemu-img check` passes it.
    /// Freeing the compressed bytes used to leave the data cluster at refcount 1 with OFLAG_COPIED still clear.
    /// </summary>
    private Qcow2TableFixture DataClusterSharingCompressedFixture(int clusterSize)
    {
        var fixture = Qcow2TableFixture.FromSgdiskDisk(_dir, DiskBytes, "-c", "-o", $"cluster_size={clusterSize}");
        long last = fixture.LastVirtualCluster;
        long host = fixture.MoveCompressedToOwnCluster(last);
        fixture.SetL2Entry(fixture.UnallocatedNear(last), (ulong)host); // a standard data cluster, OFLAG_COPIED clear
        fixture.SetRefcount(host / clusterSize, 2);
        return fixture;
    }

    /// <summary>A compressed cluster whose one sector lies inside an L2 table (the table's refcount 2, its L1 entry's OFLAG_COPIED clear).</summary>
    private Qcow2TableFixture L2TableSharingCompressedFixture()
    {
        var fixture = Qcow2TableFixture.FromSgdiskDisk(_dir, DiskBytes, "-c", "-o", "cluster_size=1024");
        long last = fixture.LastVirtualCluster;
        long table = fixture.L2Table(last);
        fixture.SetL2Entry(fixture.UnallocatedNear(last), fixture.CompressedEntry(table, sectors: 1));
        long cluster = table / fixture.ClusterSize;
        fixture.SetRefcount(cluster, (ushort)(fixture.Refcount(cluster) + 1));
        fixture.SetL1Copied(last, copied: false);
        return fixture;
    }

    [TestMethod]
    [DataRow(512, true)]
    [DataRow(1024, true)]
    [DataRow(1024, false)]
    [DataRow(65536, true)]
    public void Resize_CompressedDataSharesHostClusterWithDataCluster_ThrowsCcimg2510AndChangesNothing(int clusterSize, bool growGpt)
    {
        string qcow2 = DataClusterSharingCompressedFixture(clusterSize).Save();
        QemuImg.AssertCheckClean(qcow2);
        string stderr = AssertResizeRefused(qcow2, "CCIMG2510", growGpt);
        StringAssert.Contains(stderr, "a data cluster");
        QemuImg.AssertCheckClean(qcow2);
    }

    [TestMethod]
    public void QemuIoWrite_OverCompressedClusterSharingDataCluster_LeavesCorruptionQemuCheckReports()
    {
        // Why CCIMG2510 refuses rather than writes: QEMU's own writer, copying the compressed cluster out as --grow-gpt
        // does, leaves the data cluster at refcount 1 with OFLAG_COPIED clear.
        var fixture = DataClusterSharingCompressedFixture(1024);
        long offset = fixture.LastVirtualCluster * fixture.ClusterSize;
        string qcow2 = fixture.Save();
        QemuImg.AssertCheckClean(qcow2);
        var qemuIo = new HostTool("qemu-io", "qemu-utils");
        GptTestDisk.Runner.Run(qemuIo, ["-f", "qcow2", "-c", $"write -P 0 {offset} 512", qcow2]);
        var check = QemuImg.Run("check", qcow2);
        Assert.AreEqual(2, check.ExitCode, check.StandardOutput);
        StringAssert.Contains(check.StandardError, "ERROR OFLAG_COPIED data cluster");
    }

    [TestMethod]
    public void Resize_CompressedDataInsideL2Table_ThrowsCcimg2510AndChangesNothing()
    {
        string qcow2 = L2TableSharingCompressedFixture().Save();
        QemuImg.AssertCheckClean(qcow2);
        string stderr = AssertResizeRefused(qcow2, "CCIMG2510", growGpt: true);
        StringAssert.Contains(stderr, "an L2 table");
    }

    [TestMethod]
    public void Resize_CompressedDataSharingCopiedByQemuImgConvert_SucceedsQemuClean()
    {
        // The remedy the error names: qemu-img convert writes the same contents without the sharing.
        string qcow2 = DataClusterSharingCompressedFixture(1024).Save();
        string copy = Path.Combine(_dir, "copy.qcow2");
        QemuImg.Must("convert", "-O", "qcow2", "-o", "cluster_size=1024", qcow2, copy);
        RecipeDisks.Cli("qcow2", "resize", copy, "+1M", "--grow-gpt").AssertSuccess("ccimage qcow2 resize --grow-gpt");
        QemuImg.AssertCheckClean(copy);
    }

    [TestMethod]
    public void Resize_GptLandsInPreallocatedZeroClusterWithLeakedRefcount_KeepsCopiedClearAndQemuFindsNoCorruption()
    {
        // The disk ends 64 KiB before the end of the range its last L2 table maps, so growing it to that end puts the
        // new backup GPT header into a cluster the table already has an entry for: a preallocated zero cluster whose
        // refcount is 2 with one reference (a leak, OFLAG_COPIED rightly clear).
        const long newSize = 24L << 20;
        var fixture = Qcow2TableFixture.FromSgdiskDisk(_dir, newSize - (64 << 10), "-o", "cluster_size=1024");
        long target = newSize / fixture.ClusterSize - 1;
        Assert.AreEqual(fixture.L1Index(fixture.LastVirtualCluster), fixture.L1Index(target), "the new end is mapped by the last L2 table");
        long host = fixture.AppendCluster([]);
        fixture.SetL2Entry(target, (ulong)host | L2EntryZeroFlag);
        fixture.SetRefcount(host / fixture.ClusterSize, 2);
        string qcow2 = fixture.Save();
        var before = CheckJson(qcow2);
        Assert.AreEqual(0, Corruptions(before));
        Assert.AreEqual(1, before.GetProperty("leaks").GetInt32());

        RecipeDisks.Cli("qcow2", "resize", qcow2, "24M", "--grow-gpt").AssertSuccess("ccimage qcow2 resize --grow-gpt");

        var after = CheckJson(qcow2);
        Assert.AreEqual(0, Corruptions(after), after.ToString());
        Assert.AreEqual(1, after.GetProperty("leaks").GetInt32(), "the leak stays as it was");
        RecipeDisks.Cli("qcow2", "info", qcow2).AssertSuccess("ccimage qcow2 info");
        GptTestDisk.AssertSgdiskClean(RecipeDisks.ToRaw(qcow2, Path.Combine(_dir, "readback.raw")), RecipeDisks.Sector);
        AssertNoDebris();
    }

    [TestMethod]
    [DataRow(1024)]
    [DataRow(4096)]
    public void Resize_CompressedDataRunsPastEndOfFile_AllocatesAfterItAndQemuClean(int clusterSize)
    {
        // The compressed backup GPT header moves into a cluster appended at the end of the file, and its descriptor
        // covers one sector of the next cluster, past the end; both carry its reference. `qemu-img check` accepts a
        // compressed range that runs past the end by less than a cluster (with 512-byte clusters that cannot happen:
        // the range ends on a sector boundary). The resize grows the L1 table — which must not land on the cluster
        // past the end — and then copies the compressed cluster out, freeing both.
        var fixture = Qcow2TableFixture.FromSgdiskDisk(_dir, DiskBytes, "-c", "-o", $"cluster_size={clusterSize}");
        long last = fixture.LastVirtualCluster;
        long moved = fixture.MoveCompressedToOwnCluster(last, sectors: clusterSize / CompressedSectorSize + 1);
        var (offset, length) = fixture.Compressed(fixture.L2Entry(last));
        string qcow2 = fixture.Save();
        Assert.AreEqual(moved + clusterSize, new FileInfo(qcow2).Length, "the moved cluster ends the file");
        Assert.IsGreaterThan(moved + clusterSize, offset + length, "the descriptor runs past the end of the file");
        QemuImg.AssertCheckClean(qcow2);

        RecipeDisks.Cli("qcow2", "resize", qcow2, "+1M", "--grow-gpt").AssertSuccess("ccimage qcow2 resize --grow-gpt");

        QemuImg.AssertCheckClean(qcow2);
        GptTestDisk.AssertSgdiskClean(RecipeDisks.ToRaw(qcow2, Path.Combine(_dir, "readback.raw")), RecipeDisks.Sector);
        AssertNoDebris();
    }

    /// <summary>Resizes by +1M and asserts the CCIMG code, the image byte-identical and nothing beside it; returns stderr.</summary>
    private string AssertResizeRefused(string qcow2, string code, bool growGpt)
    {
        byte[] before = RecipeDisks.Sha256(qcow2);
        var r = growGpt ? RecipeDisks.Cli("qcow2", "resize", qcow2, "+1M", "--grow-gpt") : RecipeDisks.Cli("qcow2", "resize", qcow2, "+1M");
        RecipeDisks.AssertFailsWith(r, code);
        CollectionAssert.AreEqual(before, RecipeDisks.Sha256(qcow2), "a failed resize changed the image");
        AssertNoDebris();
        return r.StandardError;
    }

    private void AssertNoDebris()
    {
        var debris = Directory.GetFiles(_dir).Where(f => f.Contains(".tmp-", StringComparison.Ordinal) || f.Contains(".undo-", StringComparison.Ordinal)).ToList();
        Assert.IsEmpty(debris, string.Join(", ", debris));
    }

    /// <summary>`qemu-img check --output=json` (exit 0 clean, 3 leaks only, 2 corruption).</summary>
    private static JsonElement CheckJson(string image)
    {
        var r = QemuImg.Run("check", "--output=json", image);
        Assert.AreNotEqual(1, r.ExitCode, r.StandardError);
        return JsonDocument.Parse(r.StandardOutput).RootElement.Clone();
    }

    private static int Corruptions(JsonElement check) =>
        check.TryGetProperty("corruptions", out var c) ? c.GetInt32() : 0;
}
