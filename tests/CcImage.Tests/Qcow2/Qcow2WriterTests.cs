// Qcow2Writer behaviour that does not need qemu-img: deterministic output, atomic replacement, cancellation,
// cluster-size validation, and the same bytes whether the source lends mapped windows or is read into buffers.
using System.Security.Cryptography;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;

namespace CcImage.Tests.Qcow2;

[TestClass]
public class Qcow2WriterTests
{
    private static readonly string[] InputAndOutput = ["in.raw", "out.qcow2"];
    private static readonly string[] InputOnly = ["in.raw"];

    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("qcow2-writer");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(512)]
    [DataRow(65536)]
    public void Convert_SameInputTwice_WritesIdenticalBytes(int clusterSize)
    {
        string raw = Path.Combine(_dir, "in.raw");
        RawShapes.Create(raw, "sparse-random", clusterSize);
        string a = Path.Combine(_dir, "a.qcow2"), b = Path.Combine(_dir, "b.qcow2");
        using (var source = new RawFileSource(raw))
        {
            new Qcow2Writer(clusterSize).Convert(source, a);
            new Qcow2Writer(clusterSize).Convert(source, b);
        }
        CollectionAssert.AreEqual(SHA256.HashData(File.ReadAllBytes(a)), SHA256.HashData(File.ReadAllBytes(b)));
    }

    [TestMethod]
    public void Convert_ExistingDestination_IsReplacedAndNoTempFileRemains()
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, "all-data", 4096);
        File.WriteAllText(qcow2, "old contents");
        using (var source = new RawFileSource(raw))
            new Qcow2Writer(4096).Convert(source, qcow2);
        using (var image = Qcow2Image.Open(qcow2))
            Assert.AreEqual(8, image.GetInfo().AllocatedClusters);
        CollectionAssert.AreEquivalent(InputAndOutput, Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void Convert_Cancelled_LeavesNoOutputAndNoTempFile()
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, "all-data", 65536);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        using (var source = new RawFileSource(raw))
            Assert.ThrowsExactly<OperationCanceledException>(() => new Qcow2Writer().Convert(source, qcow2, cancelled.Token));
        CollectionAssert.AreEquivalent(InputOnly, Directory.GetFiles(_dir).Select(Path.GetFileName).ToArray());
    }

    [TestMethod]
    public void Convert_SourceFailsMidway_LeavesNoOutputAndNoTempFile()
    {
        string qcow2 = Path.Combine(_dir, "out.qcow2");
        using var source = new FailingSource();
        Assert.ThrowsExactly<IOException>(() => new Qcow2Writer(4096).Convert(source, qcow2));
        Assert.IsEmpty(Directory.GetFiles(_dir));
    }

    [TestMethod]
    [DataRow(256L)]
    [DataRow(3000L)]
    [DataRow(4L << 20)]
    [DataRow(0L)]
    public void Writer_UnsupportedClusterSize_ThrowsCcimg2015(long clusterSize)
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => Qcow2Writer.ValidateClusterSize(clusterSize));
        Assert.AreEqual("CCIMG2015", e.Code);
    }

    [TestMethod]
    public void Convert_HugeVirtualSizeWithTinyClusters_ThrowsCcimg2021()
    {
        using var source = new FailingSource(length: 1L << 50);
        var e = Assert.ThrowsExactly<CcImageException>(() => new Qcow2Writer(512).Convert(source, Path.Combine(_dir, "x.qcow2")));
        Assert.AreEqual("CCIMG2021", e.Code);
        Assert.IsEmpty(Directory.GetFiles(_dir));
    }

    [TestMethod]
    [DataRow("sparse-random", 512)]
    [DataRow("multi-l2", 4096)]
    [DataRow("unaligned", 65536)]
    [DataRow("all-data", 65536)]
    public void Convert_MappedAndReadSources_WriteIdenticalBytes(string shape, int clusterSize)
    {
        string raw = Path.Combine(_dir, "in.raw");
        RawShapes.Create(raw, shape, clusterSize);
        string mapped = Path.Combine(_dir, "mapped.qcow2"), read = Path.Combine(_dir, "read.qcow2");
        using (var source = new RawFileSource(raw))
        {
            Assert.IsNotNull(((IDiskSource)source).TryMap(0, 1)?.Length, "a raw file lends its bytes from a mapping");
            new Qcow2Writer(clusterSize).Convert(source, mapped);
        }
        using (var source = new ReadOnlySource(new RawFileSource(raw)))
            new Qcow2Writer(clusterSize).Convert(source, read);
        CollectionAssert.AreEqual(File.ReadAllBytes(read), File.ReadAllBytes(mapped));
    }

    [TestMethod]
    public void RawFileSource_TryMap_LendsTheFileBytesAtAnyOffsetAndNothingPastTheEnd()
    {
        string raw = Path.Combine(_dir, "in.raw");
        var bytes = RawShapes.Bytes(new Random(7), 3 * 4096 + 100);
        File.WriteAllBytes(raw, bytes);
        using var source = new RawFileSource(raw);
        IDiskSource disk = source;
        using (var window = disk.TryMap(4097, 8000)!)
            CollectionAssert.AreEqual(bytes[4097..12097], window.Memory.ToArray());
        Assert.IsNull(disk.TryMap(bytes.Length - 10, 11), "a range past the end is read, not mapped");
    }

    /// <summary>The same source without a mapping: every range is read into the writer's buffers.</summary>
    private sealed class ReadOnlySource(IDiskSource inner) : IDiskSource
    {
        public long Length => inner.Length;
        public IEnumerable<DiskExtent> DataExtents() => inner.DataExtents();
        public void ReadAt(long offset, Span<byte> buffer) => inner.ReadAt(offset, buffer);
        public void Dispose() => inner.Dispose();
    }

    /// <summary>A source whose reads fail after the first megabyte.</summary>
    private sealed class FailingSource(long length = 64L << 20) : IDiskSource
    {
        public long Length => length;
        public IEnumerable<DiskExtent> DataExtents() => [new DiskExtent(0, length)];
        public void ReadAt(long offset, Span<byte> buffer)
        {
            if (offset >= 1 << 20)
                throw new IOException("simulated read error");
            buffer.Fill(0x42);
        }
        public void Dispose() { }
    }
}
