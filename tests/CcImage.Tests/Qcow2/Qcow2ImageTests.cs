// Qcow2Image behaviour at the edges: reads past the end, writes out of range, and images that may be read but not
// modified (internal snapshots, dirty flag); a write over a compressed cluster stores it uncompressed.
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;

namespace CcImage.Tests.Qcow2;

[TestClass]
public class Qcow2ImageTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("qcow2-image");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private string MakeImage(int clusterSize = 4096)
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "image.qcow2");
        RawShapes.Create(raw, "all-data", clusterSize);
        using var source = new RawFileSource(raw);
        new Qcow2Writer(clusterSize).Convert(source, qcow2);
        return qcow2;
    }

    [TestMethod]
    public void ReadAt_PastVirtualEnd_ReadsZeros()
    {
        using var image = Qcow2Image.Open(MakeImage());
        // The source is 7 clusters + 3 bytes of random data (virtual size rounded up to 512).
        var buffer = new byte[1000];
        buffer.AsSpan().Fill(0xff);
        image.ReadAt(image.Length - 900, buffer);
        Assert.IsTrue(buffer.AsSpan(0, 100).ContainsAnyExcept((byte)0), "data before the end");
        Assert.IsFalse(buffer.AsSpan(900).ContainsAnyExcept((byte)0), "zeros past the end");
    }

    [TestMethod]
    public void WriteAt_PastVirtualEnd_ThrowsCcimg2019AndChangesNothing()
    {
        string path = MakeImage();
        byte[] before = File.ReadAllBytes(path);
        using (var image = Qcow2Image.Open(path, writable: true))
        {
            var e = Assert.ThrowsExactly<CcImageException>(() => image.WriteAt(image.Length - 1, new byte[2]));
            Assert.AreEqual("CCIMG2019", e.Code);
        }
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
    }

    [TestMethod]
    public void WriteAt_ReadOnlyOpen_Throws()
    {
        using var image = Qcow2Image.Open(MakeImage());
        Assert.ThrowsExactly<InvalidOperationException>(() => image.WriteAt(0, new byte[1]));
    }

    [TestMethod]
    public void OpenWritable_ImageWithSnapshot_ThrowsCcimg2016ButReads()
    {
        string path = MakeImage();
        QemuImg.Must("snapshot", "-c", "first", path);
        var e = Assert.ThrowsExactly<CcImageException>(() => Qcow2Image.Open(path, writable: true).Dispose());
        Assert.AreEqual("CCIMG2016", e.Code);
        using var image = Qcow2Image.Open(path);
        Assert.AreEqual(1, image.GetInfo().Snapshots);
    }

    [TestMethod]
    public void OpenWritable_DirtyImage_ThrowsCcimg2016()
    {
        string path = MakeImage();
        using (var f = new FileStream(path, FileMode.Open))
        {
            f.Position = Qcow2Format.OffsetIncompatibleFeatures + 7;
            f.WriteByte((byte)Qcow2Format.IncompatibleDirty);
        }
        var e = Assert.ThrowsExactly<CcImageException>(() => Qcow2Image.Open(path, writable: true).Dispose());
        Assert.AreEqual("CCIMG2016", e.Code);
        using var image = Qcow2Image.Open(path);
        Assert.AreEqual(8, image.GetInfo().AllocatedClusters);
    }

    [TestMethod]
    public void WriteAt_CompressedCluster_CopiesOnWriteAndQemuAgrees()
    {
        string raw = Path.Combine(_dir, "in.raw"), path = Path.Combine(_dir, "c.qcow2");
        File.WriteAllText(raw, string.Concat(Enumerable.Repeat("compressible text ", 20000)));
        QemuImg.Must("convert", "-c", "-O", "qcow2", raw, path);
        using (var image = Qcow2Image.Open(path, writable: true))
        {
            long compressed = image.GetInfo().CompressedClusters;
            Assert.IsGreaterThan(0L, compressed);
            image.WriteAt(100, new byte[10]);
            Assert.AreEqual(compressed - 1, image.GetInfo().CompressedClusters);
        }
        using (var f = new FileStream(raw, FileMode.Open))
        {
            f.Position = 100;
            f.Write(new byte[10]);
        }
        QemuImg.AssertCheckClean(path);
        QemuImg.AssertIdentical(raw, path);
    }

    [TestMethod]
    public void Grow_ToSizeNotMultipleOf512_ThrowsCcimg2017()
    {
        using var image = Qcow2Image.Open(MakeImage(), writable: true);
        var e = Assert.ThrowsExactly<CcImageException>(() => image.Grow(image.Length + 100));
        Assert.AreEqual("CCIMG2017", e.Code);
    }

    [TestMethod]
    public void Grow_BeyondL1Limit_ThrowsCcimg2021()
    {
        using var image = Qcow2Image.Open(MakeImage(512), writable: true);
        var e = Assert.ThrowsExactly<CcImageException>(() => image.Grow(1L << 50));
        Assert.AreEqual("CCIMG2021", e.Code);
    }
}
