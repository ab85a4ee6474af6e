// Cross-checks of CcImage's qcow2 writer, reader, writes and resize against the real qemu-img: check (no errors, no
// leaks), compare (identical to the raw source), info (virtual size), and reading qemu-img's own images.
using System.Security.Cryptography;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;

namespace CcImage.Tests.Qcow2;

[TestClass]
public class QemuImgCrossCheckTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("qcow2-qemu");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<object[]> ShapesAndClusterSizes() =>
        from shape in RawShapes.All
        from clusterSize in new[] { 512, 4096, 65536, 2 << 20 }
        select new object[] { shape, clusterSize };

    [TestMethod]
    [DynamicData(nameof(ShapesAndClusterSizes))]
    public void Convert_Shape_PassesQemuCheckAndCompare(string shape, int clusterSize)
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, shape, clusterSize);
        ConvertRaw(raw, qcow2, clusterSize);

        QemuImg.AssertCheckClean(qcow2);
        QemuImg.AssertIdentical(raw, qcow2);
        var info = QemuImg.Info(qcow2);
        Assert.AreEqual(clusterSize, info.GetProperty("cluster-size").GetInt32());
        Assert.AreEqual((new FileInfo(raw).Length + 511) / 512 * 512, info.GetProperty("virtual-size").GetInt64());
        AssertReadsLikeRaw(raw, qcow2);
    }

    [TestMethod]
    [DataRow(512)]
    [DataRow(65536)]
    public void Convert_ZeroAndSparseInput_StoresNoZeroClusters(int clusterSize)
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        using (var f = File.Create(raw))
        {
            f.Write(new byte[10 * clusterSize]);         // explicit zeros
            f.Write(new byte[] { 1 });                   // one data cluster
            f.SetLength(1000L * clusterSize);            // trailing hole
        }
        ConvertRaw(raw, qcow2, clusterSize);
        using var image = Qcow2Image.Open(qcow2);
        Assert.AreEqual(1, image.GetInfo().AllocatedClusters);
        QemuImg.AssertCheckClean(qcow2);
        QemuImg.AssertIdentical(raw, qcow2);
        var map = QemuImg.Run("map", "--output=json", qcow2);
        Assert.AreEqual(1, map.StandardOutput.Split("\"data\": true").Length - 1, map.StandardOutput);
    }

    public static IEnumerable<object[]> GrowCases() =>
    [
        [512, "unaligned", 1L << 20],          // L1 grows from 1 entry
        [512, "multi-l2", 3L << 30],           // L1 of 98304 entries; refcount table must grow too
        [4096, "sparse-random", 262144 + 512], // same L1
        [65536, "all-data", 10L << 30],        // L1 grows from 1 to 20 entries
        [65536, "empty", 5L << 30],            // from l1_size 0
        [2 << 20, "one-byte", 2L << 40],       // 2 TiB: 4 L1 entries
    ];

    [TestMethod]
    [DynamicData(nameof(GrowCases))]
    public void Grow_ThenQemuCheckCleanAndSizeReported(int clusterSize, string shape, long newSize)
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, shape, clusterSize);
        ConvertRaw(raw, qcow2, clusterSize);
        using (var image = Qcow2Image.Open(qcow2, writable: true))
            image.Grow(newSize);

        QemuImg.AssertCheckClean(qcow2);
        Assert.AreEqual(newSize, QemuImg.Info(qcow2).GetProperty("virtual-size").GetInt64());
        using (var f = new FileStream(raw, FileMode.Open)) f.SetLength(newSize);
        QemuImg.AssertIdentical(raw, qcow2);
    }

    [TestMethod]
    public void Grow_Repeatedly_KeepsImageCleanAndReleasesOldL1()
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, "sparse-random", 512);
        ConvertRaw(raw, qcow2, 512);
        foreach (long size in new[] { 1L << 20, 8L << 20, 8L << 20, 64L << 20, 1L << 30 })
        {
            using (var image = Qcow2Image.Open(qcow2, writable: true))
                image.Grow(size);
            QemuImg.AssertCheckClean(qcow2);
            Assert.AreEqual(size, QemuImg.Info(qcow2).GetProperty("virtual-size").GetInt64());
        }
        using (var f = new FileStream(raw, FileMode.Open)) f.SetLength(1L << 30);
        QemuImg.AssertIdentical(raw, qcow2);
    }

    public static IEnumerable<object[]> QemuMadeImages() =>
    [
        [new[] { "-o", "cluster_size=65536" }],
        [new[] { "-o", "cluster_size=512" }],
        [new[] { "-o", "cluster_size=2M" }],
        [new[] { "-o", "compat=0.10" }],
        [new[] { "-c" }],
        [new[] { "-c", "-o", "cluster_size=4096" }],
        [new[] { "-o", "refcount_bits=1" }],
        [new[] { "-o", "refcount_bits=64,cluster_size=4096" }],
        [new[] { "-o", "preallocation=metadata" }],
        [new[] { "-o", "preallocation=full,cluster_size=4096" }],
    ];

    [TestMethod]
    [DynamicData(nameof(QemuMadeImages))]
    public void Read_QemuConvertedImage_MatchesRaw(string[] options)
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "qemu.qcow2");
        RawShapes.Create(raw, "sparse-random", 4096);
        QemuImg.Must(["convert", "-f", "raw", "-O", "qcow2", .. options, raw, qcow2]);
        AssertReadsLikeRaw(raw, qcow2);

        // The opened image is also a disk source: re-stream it through our writer.
        string again = Path.Combine(_dir, "again.qcow2");
        using (var source = Qcow2Image.Open(qcow2))
        {
            Assert.IsTrue(source.DataExtents().All(e => e.Length > 0 && e.End <= source.Length));
            new Qcow2Writer(4096).Convert(source, again);
        }
        QemuImg.AssertCheckClean(again);
        QemuImg.AssertIdentical(raw, again);
    }

    [TestMethod]
    public void Read_QemuCreatedEmptyImage_ReadsZeros()
    {
        string qcow2 = Path.Combine(_dir, "empty.qcow2");
        QemuImg.Must("create", "-f", "qcow2", qcow2, "3M");
        using var image = Qcow2Image.Open(qcow2);
        Assert.AreEqual(3L << 20, image.Length);
        var buffer = new byte[image.Length];
        buffer.AsSpan().Fill(0xee);
        image.ReadAt(0, buffer);
        Assert.IsFalse(buffer.AsSpan().ContainsAnyExcept((byte)0));
        Assert.AreEqual(0, image.GetInfo().AllocatedClusters);
    }

    public static IEnumerable<object[]> WriteCases() =>
    [
        ["ours", 512],
        ["ours", 4096],
        ["ours", 65536],
        ["qemu", 512],
        ["qemu", 65536],
        ["qemu-prealloc", 65536],
        ["qemu-refcount1", 4096],
        ["qemu-refcount64", 4096],
    ];

    [TestMethod]
    [DynamicData(nameof(WriteCases))]
    public void WriteAt_ScatteredWrites_MatchRawAndQemuCheckClean(string maker, int clusterSize)
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, "sparse-random", clusterSize);
        using (var f = new FileStream(raw, FileMode.Open)) f.SetLength(Math.Max(f.Length, 8L << 20));
        switch (maker)
        {
            case "ours": ConvertRaw(raw, qcow2, clusterSize); break;
            case "qemu": QemuImg.Must("convert", "-O", "qcow2", "-o", $"cluster_size={clusterSize}", raw, qcow2); break;
            case "qemu-prealloc": QemuImg.Must("convert", "-O", "qcow2", "-o", $"cluster_size={clusterSize},preallocation=metadata", raw, qcow2); break;
            case "qemu-refcount1": QemuImg.Must("convert", "-O", "qcow2", "-o", $"cluster_size={clusterSize},refcount_bits=1", raw, qcow2); break;
            case "qemu-refcount64": QemuImg.Must("convert", "-O", "qcow2", "-o", $"cluster_size={clusterSize},refcount_bits=64", raw, qcow2); break;
        }

        var random = new Random(clusterSize + maker.Length);
        long length = new FileInfo(raw).Length;
        using (var rawFile = new FileStream(raw, FileMode.Open, FileAccess.ReadWrite))
        using (var image = Qcow2Image.Open(qcow2, writable: true))
        {
            // Small GPT-like writes at both ends, writes crossing cluster boundaries, and one large write.
            var writes = new List<(long Offset, byte[] Data)>
            {
                (0, RawShapes.Bytes(random, 1024)),
                (length - 33 * 512, RawShapes.Bytes(random, 33 * 512)),
                (clusterSize - 3, RawShapes.Bytes(random, 7)),
                (length / 2 + 17, RawShapes.Bytes(random, 3 * clusterSize)),
                (length / 3, new byte[clusterSize]),
                (1 << 20, RawShapes.Bytes(random, 1 << 20)),
            };
            for (int i = 0; i < 40; i++)
                writes.Add((random.NextInt64(length - 5000), RawShapes.Bytes(random, random.Next(1, 5000))));
            foreach (var (offset, data) in writes)
            {
                image.WriteAt(offset, data);
                rawFile.Position = offset;
                rawFile.Write(data);
            }
            image.Flush();
        }
        QemuImg.AssertCheckClean(qcow2);
        QemuImg.AssertIdentical(raw, qcow2);
        AssertReadsLikeRaw(raw, qcow2);
    }

    [TestMethod]
    public void WriteAt_ManySmallClusters_GrowsRefcountTable()
    {
        // 512-byte clusters: a refcount block counts 256 clusters and one refcount-table cluster 64 blocks, so
        // filling 12 MiB needs new blocks and a larger refcount table.
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        using (var f = File.Create(raw)) f.SetLength(16L << 20);
        ConvertRaw(raw, qcow2, 512);
        var data = RawShapes.Bytes(new Random(5), 12 << 20);
        using (var image = Qcow2Image.Open(qcow2, writable: true))
            image.WriteAt(4096, data);
        using (var f = new FileStream(raw, FileMode.Open)) { f.Position = 4096; f.Write(data); }
        QemuImg.AssertCheckClean(qcow2);
        QemuImg.AssertIdentical(raw, qcow2);
        using var reopened = Qcow2Image.Open(qcow2);
        Assert.IsGreaterThan(1, reopened.Header.RefcountTableClusters);
    }

    [TestMethod]
    [DataRow("ours", 512)]
    [DataRow("ours", 65536)]
    [DataRow("qemu", 65536)]
    [DataRow("qemu", 4096)]
    public void GrowThenWriteAtNewEnd_LikeBackupGpt_MatchesRawAndQemuCheckClean(string maker, int clusterSize)
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, "unaligned", clusterSize);
        if (maker == "ours")
            ConvertRaw(raw, qcow2, clusterSize);
        else
            QemuImg.Must("convert", "-O", "qcow2", "-o", $"cluster_size={clusterSize}", raw, qcow2);
        long newSize = 3L << 30;
        var backup = RawShapes.Bytes(new Random(9), 33 * 512);
        using (var image = Qcow2Image.Open(qcow2, writable: true))
        {
            Assert.AreEqual(image.Length + (1L << 30), image.ResolveNewSize("+1G"));
            Assert.AreEqual(newSize, image.ResolveNewSize("3G"));
            image.Grow(image.ResolveNewSize("3G"));
            Assert.AreEqual(newSize, image.Length);
            image.WriteAt(newSize - backup.Length, backup);
            image.WriteAt(512, backup.AsSpan(0, 512));
            image.Flush();
        }
        using (var f = new FileStream(raw, FileMode.Open))
        {
            f.SetLength(newSize);
            f.Position = newSize - backup.Length;
            f.Write(backup);
            f.Position = 512;
            f.Write(backup, 0, 512);
        }
        QemuImg.AssertCheckClean(qcow2);
        QemuImg.AssertIdentical(raw, qcow2);
        AssertReadsLikeRaw(raw, qcow2);
    }

    private static void ConvertRaw(string raw, string qcow2, int clusterSize)
    {
        using var source = new RawFileSource(raw);
        new Qcow2Writer(clusterSize).Convert(source, qcow2);
    }

    /// <summary>Reads the whole virtual disk through Qcow2Image (data extents of the raw file; holes must read zero).</summary>
    private static void AssertReadsLikeRaw(string raw, string qcow2)
    {
        using var image = Qcow2Image.Open(qcow2);
        using var source = new RawFileSource(raw);
        Assert.AreEqual((source.Length + 511) / 512 * 512, image.Length);
        if (image.Length > 64L << 20)
        {
            // Large sparse disks: compare the data extents plus a sample of the holes.
            foreach (var extent in source.DataExtents())
                AssertRangeEqual(source, image, extent.Offset, extent.Length);
            AssertRangeEqual(source, image, image.Length - 4096, 4096);
            return;
        }
        AssertRangeEqual(source, image, 0, image.Length);
    }

    private static void AssertRangeEqual(RawFileSource source, Qcow2Image image, long offset, long length)
    {
        var expected = new byte[length];
        var actual = new byte[length];
        source.ReadAt(offset, expected);
        image.ReadAt(offset, actual);
        Assert.IsTrue(expected.AsSpan().SequenceEqual(actual),
            $"bytes differ in [{offset}, {offset + length}): sha256 {Convert.ToHexString(SHA256.HashData(expected))} vs {Convert.ToHexString(SHA256.HashData(actual))}");
    }
}
