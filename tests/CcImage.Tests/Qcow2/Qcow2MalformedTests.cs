// Malformed and unsupported qcow2 images: Qcow2Image.Open throws the right CCIMG error (never hangs or crashes), and
// `ccimage qcow2 info/resize` exit non-zero with one line on stderr and leave the file untouched.
using System.Buffers.Binary;
using System.Security.Cryptography;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;
using static CcImage.Core.Qcow2.Qcow2Format;

namespace CcImage.Tests.Qcow2;

[TestClass]
public class Qcow2MalformedTests
{
    private const int ClusterSize = 512;
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("qcow2-bad");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    /// <summary>A valid image with 512-byte clusters: several L1 entries, L2 tables and refcount blocks.</summary>
    private (string Path, Qcow2Header Header, ulong[] L1) MakeValid()
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "image.qcow2");
        RawShapes.Create(raw, "multi-l2", ClusterSize);
        using (var source = new RawFileSource(raw))
            new Qcow2Writer(ClusterSize).Convert(source, qcow2);
        using var image = Qcow2Image.Open(qcow2);
        var bytes = File.ReadAllBytes(qcow2);
        var l1 = new ulong[image.Header.L1Size];
        for (int i = 0; i < l1.Length; i++)
            l1[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan((int)image.Header.L1TableOffset + i * 8));
        return (qcow2, image.Header, l1);
    }

    private static void Patch(string path, long offset, Action<Span<byte>> change, int length = 8)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        var buffer = new byte[length];
        f.Position = offset;
        f.ReadExactly(buffer);
        change(buffer);
        f.Position = offset;
        f.Write(buffer);
    }

    private static void PatchU32(string path, long offset, uint value) => Patch(path, offset, b => BinaryPrimitives.WriteUInt32BigEndian(b, value), 4);
    private static void PatchU64(string path, long offset, ulong value) => Patch(path, offset, b => BinaryPrimitives.WriteUInt64BigEndian(b, value));

    private static ulong ReadU64(string path, long offset)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.Read);
        var buffer = new byte[8];
        f.Position = offset;
        f.ReadExactly(buffer);
        return BinaryPrimitives.ReadUInt64BigEndian(buffer);
    }

    private static long L2Offset(ulong[] l1, int index) => (long)(l1.Where(e => e != 0).ElementAt(index) & L1EntryOffsetMask);

    /// <summary>The first non-zero entry of the L2 table at <paramref name="l2"/> and its position.</summary>
    private static (long At, ulong Entry) FirstMapped(string path, long l2, int skip = 0)
    {
        for (int i = 0; i < ClusterSize / 8; i++)
        {
            ulong e = ReadU64(path, l2 + i * 8);
            if (e != 0 && skip-- == 0)
                return (l2 + i * 8, e);
        }
        throw new InvalidOperationException("no mapped entry");
    }

    public static IEnumerable<object[]> Corruptions() =>
    [
        ["bad-magic", "CCIMG2001"],
        ["version-1", "CCIMG2002"],
        ["version-4", "CCIMG2002"],
        ["truncated-header", "CCIMG2003"],
        ["truncated-tables", "CCIMG2012"],
        ["cluster-bits-30", "CCIMG2004"],
        ["cluster-bits-8", "CCIMG2004"],
        ["huge-size", "CCIMG2004"],
        ["huge-l1-size", "CCIMG2011"],
        ["l1-too-small", "CCIMG2004"],
        ["l1-offset-past-end", "CCIMG2012"],
        ["l1-offset-unaligned", "CCIMG2012"],
        ["huge-refcount-table", "CCIMG2011"],
        ["refcount-table-offset-zero", "CCIMG2012"],
        ["header-length-short", "CCIMG2004"],
        ["header-length-unaligned", "CCIMG2004"],
        ["refcount-order-7", "CCIMG2004"],
        ["extension-length-absurd", "CCIMG2004"],
        ["backing-file-offset", "CCIMG2005"],
        ["crypt-method-aes", "CCIMG2006"],
        ["external-data-bit", "CCIMG2007"],
        ["compression-type-bit", "CCIMG2008"],
        ["extended-l2-bit", "CCIMG2009"],
        ["unknown-incompatible-bit", "CCIMG2010"],
        ["l1-points-at-l1", "CCIMG2013"],
        ["l1-points-at-refcount-table", "CCIMG2013"],
        ["two-l1-entries-same-l2", "CCIMG2013"],
        ["l2-points-at-itself", "CCIMG2013"],
        ["l2-points-at-l1", "CCIMG2013"],
        ["two-l2-entries-same-cluster", "CCIMG2013"],
        ["l2-points-at-refcount-block", "CCIMG2013"],
        ["l2-data-past-end", "CCIMG2012"],
        ["l2-reserved-bits", "CCIMG2020"],
        ["l1-reserved-bits", "CCIMG2020"],
        ["refcount-block-at-l1", "CCIMG2013"],
        ["refcount-block-past-end", "CCIMG2012"],
        ["empty-file", "CCIMG2001"],
    ];

    private static void Corrupt(string kind, string path, Qcow2Header h, ulong[] l1)
    {
        long fileSize = new FileInfo(path).Length;
        long refBlock0 = (long)ReadU64(path, h.RefcountTableOffset);
        switch (kind)
        {
            case "bad-magic": PatchU32(path, OffsetMagic, 0x51464900); break;
            case "version-1": PatchU32(path, OffsetVersion, 1); break;
            case "version-4": PatchU32(path, OffsetVersion, 4); break;
            case "truncated-header": using (var f = new FileStream(path, FileMode.Open)) f.SetLength(50); break;
            case "truncated-tables": using (var f = new FileStream(path, FileMode.Open)) f.SetLength(fileSize / 2); break;
            case "cluster-bits-30": PatchU32(path, OffsetClusterBits, 30); break;
            case "cluster-bits-8": PatchU32(path, OffsetClusterBits, 8); break;
            case "huge-size": PatchU64(path, OffsetSize, 1UL << 62); break;
            case "huge-l1-size": PatchU32(path, OffsetL1Size, 0x7fffffff); break;
            case "l1-too-small": PatchU32(path, OffsetL1Size, 1); break;
            case "l1-offset-past-end": PatchU64(path, OffsetL1TableOffset, (ulong)(fileSize + ClusterSize)); break;
            case "l1-offset-unaligned": PatchU64(path, OffsetL1TableOffset, (ulong)h.L1TableOffset + 8); break;
            case "huge-refcount-table": PatchU32(path, OffsetRefcountTableClusters, 0x10000000); break;
            case "refcount-table-offset-zero": PatchU64(path, OffsetRefcountTableOffset, 0); break;
            case "header-length-short": PatchU32(path, OffsetHeaderLength, 50); break;
            case "header-length-unaligned": PatchU32(path, OffsetHeaderLength, 108); break;
            case "refcount-order-7": PatchU32(path, OffsetRefcountOrder, 7); break;
            case "extension-length-absurd":
                PatchU32(path, Version3HeaderLengthWritten, ExtensionFeatureNameTable);
                PatchU32(path, Version3HeaderLengthWritten + 4, 0xfffffff0);
                break;
            case "backing-file-offset": PatchU64(path, OffsetBackingFileOffset, 0x200); PatchU32(path, OffsetBackingFileSize, 8); break;
            case "crypt-method-aes": PatchU32(path, OffsetCryptMethod, 1); break;
            case "external-data-bit": PatchU64(path, OffsetIncompatibleFeatures, IncompatibleExternalDataFile); break;
            case "compression-type-bit": PatchU64(path, OffsetIncompatibleFeatures, IncompatibleCompressionType); break;
            case "extended-l2-bit": PatchU64(path, OffsetIncompatibleFeatures, IncompatibleExtendedL2); break;
            case "unknown-incompatible-bit": PatchU64(path, OffsetIncompatibleFeatures, 1UL << 20); break;
            case "l1-points-at-l1": PatchU64(path, h.L1TableOffset, (ulong)h.L1TableOffset | OflagCopied); break;
            case "l1-points-at-refcount-table": PatchU64(path, h.L1TableOffset, (ulong)h.RefcountTableOffset | OflagCopied); break;
            case "two-l1-entries-same-l2": PatchU64(path, h.L1TableOffset + 8, l1[0]); break;
            case "l2-points-at-itself":
            {
                long l2 = L2Offset(l1, 0);
                PatchU64(path, FirstMapped(path, l2).At, (ulong)l2 | OflagCopied);
                break;
            }
            case "l2-points-at-l1":
                PatchU64(path, FirstMapped(path, L2Offset(l1, 0)).At, (ulong)h.L1TableOffset | OflagCopied);
                break;
            case "two-l2-entries-same-cluster":
            {
                long l2 = L2Offset(l1, 0);
                var first = FirstMapped(path, l2);
                PatchU64(path, FirstMapped(path, l2, skip: 1).At, first.Entry);
                break;
            }
            case "l2-points-at-refcount-block": PatchU64(path, FirstMapped(path, L2Offset(l1, 1)).At, (ulong)refBlock0 | OflagCopied); break;
            case "l2-data-past-end": PatchU64(path, FirstMapped(path, L2Offset(l1, 1)).At, (ulong)(fileSize + 4 * ClusterSize) | OflagCopied); break;
            case "l2-reserved-bits": PatchU64(path, FirstMapped(path, L2Offset(l1, 0)).At, FirstMapped(path, L2Offset(l1, 0)).Entry | 0x10); break;
            case "l1-reserved-bits": PatchU64(path, h.L1TableOffset, l1[0] | 0x20); break;
            case "refcount-block-at-l1": PatchU64(path, h.RefcountTableOffset, (ulong)h.L1TableOffset); break;
            case "refcount-block-past-end": PatchU64(path, h.RefcountTableOffset + 8, (ulong)(fileSize + 64 * ClusterSize)); break;
            case "empty-file": File.WriteAllBytes(path, []); break;
            default: throw new ArgumentException(kind);
        }
    }

    [TestMethod]
    [DynamicData(nameof(Corruptions))]
    public void Open_CorruptImage_ThrowsCcimgError(string kind, string code)
    {
        var (path, header, l1) = MakeValid();
        Corrupt(kind, path, header, l1);
        var e = Assert.ThrowsExactly<CcImageException>(() => Qcow2Image.Open(path).Dispose());
        Assert.AreEqual(code, e.Code, e.ToString());
        var w = Assert.ThrowsExactly<CcImageException>(() => Qcow2Image.Open(path, writable: true).Dispose());
        Assert.AreEqual(code, w.Code);
    }

    [TestMethod]
    [DynamicData(nameof(Corruptions))]
    public void Cli_CorruptImage_InfoAndResizeFailWithOneLineAndLeaveFileUntouched(string kind, string code)
    {
        var (path, header, l1) = MakeValid();
        Corrupt(kind, path, header, l1);
        AssertCliRefuses(path, code);
    }

    public static IEnumerable<object[]> QemuMadeUnsupported() =>
    [
        ["backing", "CCIMG2005"],
        ["luks", "CCIMG2006"],
        ["data-file", "CCIMG2007"],
        ["zstd", "CCIMG2008"],
        ["extended-l2", "CCIMG2009"],
    ];

    [TestMethod]
    [DynamicData(nameof(QemuMadeUnsupported))]
    public void Open_QemuImageWithUnsupportedFeature_ThrowsCcimgError(string feature, string code)
    {
        string path = Path.Combine(_dir, "image.qcow2");
        switch (feature)
        {
            case "backing":
                string basePath = Path.Combine(_dir, "base.qcow2");
                QemuImg.Must("create", "-f", "qcow2", basePath, "1M");
                QemuImg.Must("create", "-f", "qcow2", "-b", basePath, "-F", "qcow2", path);
                break;
            case "luks":
                QemuImg.Must("create", "-f", "qcow2", "--object", "secret,id=sec0,data=not-a-real-secret",
                    "-o", "encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=10", path, "1M");
                break;
            case "data-file":
                QemuImg.Must("create", "-f", "qcow2", "-o", "data_file=" + Path.Combine(_dir, "data.raw"), path, "1M");
                break;
            case "zstd":
                QemuImg.Must("create", "-f", "qcow2", "-o", "compression_type=zstd", path, "1M");
                break;
            case "extended-l2":
                QemuImg.Must("create", "-f", "qcow2", "-o", "extended_l2=on", path, "1M");
                break;
        }
        var e = Assert.ThrowsExactly<CcImageException>(() => Qcow2Image.Open(path).Dispose());
        Assert.AreEqual(code, e.Code, e.ToString());
        AssertCliRefuses(path, code);
    }

    [TestMethod]
    public void Open_TablesReferencingEachOtherInALoop_FailsQuickly()
    {
        // Every L1 entry points at the same L2 table, which maps every cluster onto itself: bounded work, one error.
        var (path, header, l1) = MakeValid();
        long l2 = L2Offset(l1, 0);
        for (int i = 0; i < header.L1Size; i++)
            PatchU64(path, header.L1TableOffset + i * 8, (ulong)l2 | OflagCopied);
        for (int i = 0; i < ClusterSize / 8; i++)
            PatchU64(path, l2 + i * 8, (ulong)l2 | OflagCopied);
        var started = System.Diagnostics.Stopwatch.StartNew();
        var e = Assert.ThrowsExactly<CcImageException>(() => Qcow2Image.Open(path).Dispose());
        Assert.AreEqual("CCIMG2013", e.Code);
        Assert.IsLessThan(10, started.Elapsed.TotalSeconds);
    }

    private static void AssertCliRefuses(string path, string code)
    {
        byte[] before = SHA256.HashData(File.ReadAllBytes(path));
        foreach (var args in new[] { new[] { "qcow2", "info", path }, new[] { "qcow2", "resize", path, "+1M" } })
        {
            var r = CcImageCli.Run(args);
            Assert.AreNotEqual(0, r.ExitCode, string.Join(' ', args));
            Assert.AreEqual("", r.StandardOutput);
            var lines = r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.HasCount(1, lines, r.StandardError);
            StringAssert.StartsWith(lines[0], $"ccimage: {code}: ");
        }
        CollectionAssert.AreEqual(before, SHA256.HashData(File.ReadAllBytes(path)), "the image was modified");
        Assert.IsEmpty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"));
    }
}
