// The refcount structures of an open qcow2 image (docs/interop/qcow2.rst, "Host cluster management"): the refcount
// table in memory, refcount blocks cached and written back, and an allocator that appends clusters at the end of the
// file with exact refcounts, creating refcount blocks and growing the refcount table as needed.
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using static CcImage.Core.Qcow2.Qcow2Format;

namespace CcImage.Core.Qcow2;

internal sealed class Qcow2Refcounts
{
    private readonly SafeFileHandle _file;
    private readonly Qcow2FileWriter _write;
    private readonly string _path;
    private readonly int _clusterBits;
    private readonly int _refcountBits;
    private readonly long _entriesPerBlock;
    private readonly Dictionary<long, byte[]> _blocks = new();
    private readonly SortedSet<long> _dirtyBlocks = new();
    private ulong[] _table;
    private long _tableOffset;
    private int _tableClusters;

    public Qcow2Refcounts(SafeFileHandle file, Qcow2FileWriter write, string path, Qcow2Header header, ulong[] table, long endCluster)
    {
        _file = file;
        _write = write;
        _path = path;
        _clusterBits = header.ClusterBits;
        _refcountBits = header.RefcountBits;
        _entriesPerBlock = header.RefcountBlockEntries;
        _table = table;
        _tableOffset = header.RefcountTableOffset;
        _tableClusters = header.RefcountTableClusters;
        EndCluster = endCluster;
    }

    /// <summary>The first host cluster past everything allocated (new clusters are taken from here).</summary>
    public long EndCluster { get; private set; }

    /// <summary>
    /// Keeps new clusters past <paramref name="cluster"/>: compressed data may run past the end of the file into
    /// clusters it holds a reference on, which must not be handed out again.
    /// </summary>
    public void ReserveThrough(long cluster) => EndCluster = Math.Max(EndCluster, cluster + 1);

    public long TableOffset => _tableOffset;
    public int TableClusters => _tableClusters;

    private int ClusterSize => 1 << _clusterBits;
    private ulong MaxRefcount => _refcountBits == 64 ? ulong.MaxValue : (1UL << _refcountBits) - 1;

    /// <summary>Appends <paramref name="count"/> clusters with refcount 1; returns the host offset of the first.</summary>
    public long Allocate(long count)
    {
        long first = EndCluster;
        EndCluster += count;
        for (long c = first; c < first + count; c++)
            Set(c, 1);
        return first << _clusterBits;
    }

    /// <summary>Drops one reference from each of <paramref name="count"/> clusters starting at <paramref name="offset"/>.</summary>
    public void Release(long offset, long count)
    {
        long first = offset >> _clusterBits;
        for (long c = first; c < first + count; c++)
        {
            ulong value = Get(c);
            if (value > 0)
                Set(c, value - 1);
        }
    }

    public ulong Get(long cluster)
    {
        long blockIndex = cluster / _entriesPerBlock;
        if (blockIndex >= _table.Length || _table[blockIndex] == 0)
            return 0;
        return ReadEntry(LoadBlock((long)(_table[blockIndex] & RefcountTableOffsetMask)), cluster % _entriesPerBlock);
    }

    private void Set(long cluster, ulong value)
    {
        if (value > MaxRefcount)
            throw Diagnostics.Diag.Error(nameof(Diagnostics.Strings.Qcow2ReadOnlyImage), _path,
                $"the refcount of cluster {cluster} would exceed the {_refcountBits}-bit refcount width");
        long blockIndex = cluster / _entriesPerBlock;
        long blockOffset = EnsureBlock(blockIndex);
        WriteEntry(LoadBlock(blockOffset), cluster % _entriesPerBlock, value);
        _dirtyBlocks.Add(blockOffset);
    }

    /// <summary>The host offset of refcount block <paramref name="blockIndex"/>, creating it (and growing the table) if missing.</summary>
    private long EnsureBlock(long blockIndex)
    {
        if (blockIndex >= _table.Length)
            GrowTable(blockIndex + 1);
        if (_table[blockIndex] != 0)
            return (long)(_table[blockIndex] & RefcountTableOffsetMask);

        long blockCluster = EndCluster++;
        long blockOffset = blockCluster << _clusterBits;
        _blocks[blockOffset] = new byte[ClusterSize];
        _dirtyBlocks.Add(blockOffset);
        _table[blockIndex] = (ulong)blockOffset;
        Qcow2FileIo.WriteEntry(_write, _tableOffset + blockIndex * TableEntrySize, (ulong)blockOffset);
        Set(blockCluster, 1); // the new block counts itself (possibly in another block, created the same way)
        return blockOffset;
    }

    /// <summary>
    /// Moves the refcount table to the end of the file with at least <paramref name="minEntries"/> entries. The new
    /// table and the refcount blocks needed to count it are placed together, then the header is switched in one write
    /// and the old table's clusters are released.
    /// </summary>
    private void GrowTable(long minEntries)
    {
        long entriesPerTableCluster = ClusterSize / TableEntrySize;
        long start = EndCluster;
        long tableClusters = 0, newBlocks = 0;
        long entries = Math.Max(minEntries, _table.Length);
        var missing = new List<long>();
        while (true) // settles within a few rounds: each round only adds what the previous one uncovered
        {
            long end = start + tableClusters + newBlocks;
            if (end > start)
                entries = Math.Max(entries, (end - 1) / _entriesPerBlock + 1);
            long needTable = (entries + entriesPerTableCluster - 1) / entriesPerTableCluster;
            missing.Clear();
            long last = start + needTable + newBlocks;
            for (long b = start / _entriesPerBlock; b <= (last - 1) / _entriesPerBlock; b++)
                if (b >= _table.Length || _table[b] == 0)
                    missing.Add(b);
            if (needTable == tableClusters && missing.Count == newBlocks)
                break;
            (tableClusters, newBlocks) = (needTable, missing.Count);
        }

        var table = new ulong[tableClusters * entriesPerTableCluster];
        Array.Copy(_table, table, _table.Length);
        long next = start + tableClusters;
        foreach (long b in missing)
        {
            long offset = next++ << _clusterBits;
            table[b] = (ulong)offset;
            _blocks[offset] = new byte[ClusterSize];
            _dirtyBlocks.Add(offset);
        }
        long oldOffset = _tableOffset, oldClusters = _tableClusters;
        _table = table;
        EndCluster = next;
        for (long c = start; c < next; c++)
            Set(c, 1);

        long newOffset = start << _clusterBits;
        Qcow2FileIo.WriteTable(_write, newOffset, _table, tableClusters << _clusterBits);
        WriteDirtyBlocks();
        Span<byte> fields = stackalloc byte[12]; // refcount_table_offset and refcount_table_clusters, adjacent
        BinaryPrimitives.WriteInt64BigEndian(fields, newOffset);
        BinaryPrimitives.WriteUInt32BigEndian(fields[8..], (uint)tableClusters);
        _write(fields, OffsetRefcountTableOffset);
        _tableOffset = newOffset;
        _tableClusters = (int)tableClusters;
        Release(oldOffset, oldClusters);
    }

    /// <summary>Writes every modified refcount block back to the file.</summary>
    public void WriteDirtyBlocks()
    {
        foreach (long offset in _dirtyBlocks)
            _write(_blocks[offset], offset);
        _dirtyBlocks.Clear();
    }

    private byte[] LoadBlock(long offset)
    {
        if (!_blocks.TryGetValue(offset, out var block))
        {
            block = new byte[ClusterSize];
            Qcow2FileIo.ReadExactly(_file, offset, block, _path, "a refcount block");
            _blocks[offset] = block;
        }
        return block;
    }

    // Entries of refcount_bits width; below 8 bits, bit 0 is the least significant bit of a byte.
    private ulong ReadEntry(byte[] block, long index)
    {
        long bit = index * _refcountBits;
        return _refcountBits switch
        {
            < 8 => (ulong)(block[bit >> 3] >> (int)(bit & 7)) & MaxRefcount,
            8 => block[bit >> 3],
            16 => BinaryPrimitives.ReadUInt16BigEndian(block.AsSpan((int)(bit >> 3))),
            32 => BinaryPrimitives.ReadUInt32BigEndian(block.AsSpan((int)(bit >> 3))),
            _ => BinaryPrimitives.ReadUInt64BigEndian(block.AsSpan((int)(bit >> 3))),
        };
    }

    private void WriteEntry(byte[] block, long index, ulong value)
    {
        long bit = index * _refcountBits;
        int at = (int)(bit >> 3);
        switch (_refcountBits)
        {
            case < 8:
                int shift = (int)(bit & 7);
                block[at] = (byte)((block[at] & ~((int)MaxRefcount << shift)) | ((int)value << shift));
                break;
            case 8: block[at] = (byte)value; break;
            case 16: BinaryPrimitives.WriteUInt16BigEndian(block.AsSpan(at), (ushort)value); break;
            case 32: BinaryPrimitives.WriteUInt32BigEndian(block.AsSpan(at), (uint)value); break;
            default: BinaryPrimitives.WriteUInt64BigEndian(block.AsSpan(at), value); break;
        }
    }
}
