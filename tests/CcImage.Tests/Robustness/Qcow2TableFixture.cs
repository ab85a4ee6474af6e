// Builds qcow2 images in the table states the qcow2-tables fuzz findings reduce to, starting from an image qemu-img
// wrote (of an sgdisk GPT disk) and patching its L1/L2 entries and 16-bit refcounts in memory the way the fuzzer did:
// compressed data sharing a host cluster with a data cluster or an L2 table, a preallocated zero cluster whose refcount
// is leaked, compressed data running past the end of the file. Refcounts are patched with the tables, so each fixture
// is in exactly the one state named (the tests assert what `qemu-img check` says of it).
using System.Buffers.Binary;
using static CcImage.Core.Qcow2.Qcow2Format;

namespace CcImage.Tests.Robustness;

internal sealed class Qcow2TableFixture
{
    private const int RefcountBits = 16;

    private readonly string _path;
    private byte[] _bytes;

    private Qcow2TableFixture(string path)
    {
        _path = path;
        _bytes = File.ReadAllBytes(path);
        Assert.AreEqual(RefcountBits, Version < Version3 ? RefcountBits : 1 << (int)U32(OffsetRefcountOrder), "the fixtures patch 16-bit refcounts");
    }

    private uint Version => U32(OffsetVersion);
    public int ClusterBits => (int)U32(OffsetClusterBits);
    public int ClusterSize => 1 << ClusterBits;
    public long VirtualSize => (long)U64(OffsetSize);
    private long L1Offset => (long)U64(OffsetL1TableOffset);
    private long EntriesPerL2 => ClusterSize / TableEntrySize;

    /// <summary>The last virtual cluster of the disk: it holds the backup GPT header that --grow-gpt clears.</summary>
    public long LastVirtualCluster => VirtualSize / ClusterSize - 1;

    /// <summary>The qemu-img image of a GPT disk (RecipeDisks.SgdiskDisk) with the given qemu-img options.</summary>
    public static Qcow2TableFixture FromSgdiskDisk(string dir, long diskBytes, params string[] options)
    {
        string raw = RecipeDisks.SgdiskDisk(dir, bytes: diskBytes);
        string qcow2 = RecipeDisks.ToQcow2(raw, Path.Combine(dir, "fixture.qcow2"), options);
        File.Delete(raw);
        return new Qcow2TableFixture(qcow2);
    }

    /// <summary>Writes the patched bytes back and returns the image's path.</summary>
    public string Save()
    {
        File.WriteAllBytes(_path, _bytes);
        return _path;
    }

    public long L1Index(long virtualCluster) => virtualCluster / EntriesPerL2;

    /// <summary>The host offset of the L2 table mapping <paramref name="virtualCluster"/> (it must exist).</summary>
    public long L2Table(long virtualCluster)
    {
        long l2 = (long)(U64(L1Offset + L1Index(virtualCluster) * TableEntrySize) & L1EntryOffsetMask);
        Assert.AreNotEqual(0L, l2, $"virtual cluster {virtualCluster} has no L2 table");
        return l2;
    }

    private long L2EntryOffset(long virtualCluster) => L2Table(virtualCluster) + virtualCluster % EntriesPerL2 * TableEntrySize;

    public ulong L2Entry(long virtualCluster) => U64(L2EntryOffset(virtualCluster));

    public void SetL2Entry(long virtualCluster, ulong entry) => SetU64(L2EntryOffset(virtualCluster), entry);

    /// <summary>Sets or clears OFLAG_COPIED on the L1 entry mapping <paramref name="virtualCluster"/>.</summary>
    public void SetL1Copied(long virtualCluster, bool copied)
    {
        long at = L1Offset + L1Index(virtualCluster) * TableEntrySize;
        SetU64(at, copied ? U64(at) | OflagCopied : U64(at) & ~OflagCopied);
    }

    /// <summary>A virtual cluster mapped by the same L2 table as <paramref name="near"/> whose entry is 0 (unallocated).</summary>
    public long UnallocatedNear(long near)
    {
        long first = near - near % EntriesPerL2;
        for (long v = first; v < first + EntriesPerL2; v++)
            if (L2Entry(v) == 0)
                return v;
        Assert.Fail($"the L2 table of virtual cluster {near} maps every cluster");
        return -1;
    }

    private int CompressedOffsetBits => 62 - (ClusterBits - 8);

    /// <summary>Where a compressed L2 entry's bytes are (qcow2.rst, "Compressed Clusters Descriptor").</summary>
    public (long Offset, long Length) Compressed(ulong entry)
    {
        Assert.AreNotEqual(0UL, entry & OflagCompressed, "not a compressed cluster");
        int x = CompressedOffsetBits;
        long offset = (long)(entry & ((1UL << x) - 1));
        long sectors = (long)((entry >> x) & ((1UL << (62 - x)) - 1)) + 1;
        return (offset, sectors * CompressedSectorSize - (offset & (CompressedSectorSize - 1)));
    }

    /// <summary>A compressed L2 entry for <paramref name="sectors"/> 512-byte sectors from <paramref name="offset"/>.</summary>
    public ulong CompressedEntry(long offset, long sectors) => OflagCompressed | ((ulong)(sectors - 1) << CompressedOffsetBits) | (ulong)offset;

    /// <summary>
    /// Moves the compressed bytes of <paramref name="virtualCluster"/> into a cluster of their own appended to the file
    /// (qemu-img packs compressed clusters together), its descriptor covering <paramref name="sectors"/> 512-byte
    /// sectors if given (more than a cluster's worth runs past the end of the file); the refcounts follow. Returns the
    /// new host offset.
    /// </summary>
    public long MoveCompressedToOwnCluster(long virtualCluster, long? sectors = null)
    {
        var (offset, length) = Compressed(L2Entry(virtualCluster));
        long needed = Math.Min((length + (offset & (CompressedSectorSize - 1))) / CompressedSectorSize, ClusterSize / CompressedSectorSize);
        // The deflate stream is shorter than a cluster (qemu-img stores a cluster uncompressed otherwise).
        long moved = AppendCluster(_bytes.AsSpan((int)offset, (int)Math.Min(Math.Min(length, ClusterSize), _bytes.LongLength - offset)));
        foreach (long c in ClustersOf(offset, length))
            SetRefcount(c, (ushort)(Refcount(c) - 1));
        long covered = sectors ?? needed;
        Assert.IsGreaterThanOrEqualTo(needed, covered);
        SetL2Entry(virtualCluster, CompressedEntry(moved, covered));
        foreach (long c in ClustersOf(moved, covered * CompressedSectorSize))
            SetRefcount(c, (ushort)(Refcount(c) + 1));
        return moved;
    }

    /// <summary>The host clusters [offset, offset + length) touches.</summary>
    public IEnumerable<long> ClustersOf(long offset, long length)
    {
        for (long c = offset >> ClusterBits; c <= (offset + length - 1) >> ClusterBits; c++)
            yield return c;
    }

    /// <summary>Appends a cluster holding <paramref name="content"/> (zero-padded) at the next cluster boundary; returns its offset.</summary>
    public long AppendCluster(ReadOnlySpan<byte> content)
    {
        long offset = (_bytes.LongLength + ClusterSize - 1) & ~(long)(ClusterSize - 1);
        Array.Resize(ref _bytes, (int)(offset + ClusterSize));
        content.CopyTo(_bytes.AsSpan((int)offset));
        return offset;
    }

    public ushort Refcount(long cluster) => BinaryPrimitives.ReadUInt16BigEndian(_bytes.AsSpan((int)RefcountEntryOffset(cluster)));

    public void SetRefcount(long cluster, ushort value) => BinaryPrimitives.WriteUInt16BigEndian(_bytes.AsSpan((int)RefcountEntryOffset(cluster)), value);

    private long RefcountEntryOffset(long cluster)
    {
        long perBlock = ClusterSize * 8L / RefcountBits;
        long tableEntry = (long)U64(OffsetRefcountTableOffset) + cluster / perBlock * TableEntrySize;
        long block = (long)(U64(tableEntry) & RefcountTableOffsetMask);
        Assert.AreNotEqual(0L, block, $"no refcount block covers cluster {cluster}");
        return block + cluster % perBlock * (RefcountBits / 8);
    }

    private uint U32(long at) => BinaryPrimitives.ReadUInt32BigEndian(_bytes.AsSpan((int)at));
    private ulong U64(long at) => BinaryPrimitives.ReadUInt64BigEndian(_bytes.AsSpan((int)at));
    private void SetU64(long at, ulong value) => BinaryPrimitives.WriteUInt64BigEndian(_bytes.AsSpan((int)at), value);
}
