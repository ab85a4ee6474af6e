// An opened qcow2 image (docs/interop/qcow2.rst): validates the header and every active table on open (bounded by
// the file size), reads virtual bytes (unallocated and zero clusters read as zeros, zlib-compressed clusters inflate),
// streams as an IDiskSource (its data extents are the allocated clusters),
// writes by allocating clusters at the end of the file with exact refcounts (a write over a compressed cluster
// decompresses it into a new cluster), and grows the virtual size in place. A writable open also checks the refcounts
// and OFLAG_COPIED flags as strictly as `qemu-img check` before anything is written, and refuses compressed data that
// shares a host cluster with anything but compressed data (no in-place write keeps that consistent); every write goes
// through an undo journal (Caching/UndoJournal), so Rollback — or the next open after a kill — restores the file byte
// for byte.
using System.Buffers.Binary;
using System.IO.Compression;
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using Microsoft.Win32.SafeHandles;
using static CcImage.Core.Qcow2.Qcow2Format;
using Owner = CcImage.Core.Qcow2.Qcow2ClusterOwners.Owner;

namespace CcImage.Core.Qcow2;

public sealed class Qcow2Image : IBlockDevice, IDiskSource
{
    private readonly SafeFileHandle _file;
    private readonly string _path;
    private readonly bool _writable;
    private readonly Qcow2Refcounts _refcounts;
    private ulong[] _l1;
    private long _cachedL2Offset;
    private ulong[]? _cachedL2;
    private long _allocatedClusters;
    private long _compressedClusters;
    private UndoJournal? _journal;
    private bool _rolledBack;

    /// <summary>Host clusters that compressed clusters touch, with how many compressed clusters touch each.</summary>
    private readonly Dictionary<long, int> _compressedReferences = new();

    private Qcow2Image(SafeFileHandle file, string path, bool writable, Qcow2Header header, ulong[] l1,
        ulong[] refcountTable, long fileSize)
    {
        _file = file;
        _path = path;
        _writable = writable;
        _header = header;
        _l1 = l1;
        _refcounts = new Qcow2Refcounts(file, WriteFile, path, header, refcountTable, (fileSize + header.ClusterSize - 1) >> header.ClusterBits);
    }

    private Qcow2Header _header;

    /// <summary>The header as it is on disk (updated by writes and <see cref="Grow"/>).</summary>
    public Qcow2Header Header
    {
        get => _header with { RefcountTableOffset = _refcounts.TableOffset, RefcountTableClusters = _refcounts.TableClusters };
        private set => _header = value;
    }

    public long Length => _header.Size;

    public int ClusterSize => _header.ClusterSize;

    /// <summary>
    /// Opens and checks <paramref name="path"/>; throws CCIMG20xx/25xx for anything malformed or unsupported.
    /// A change a killed run left half done (an undo journal beside the file) is rolled back first.
    /// </summary>
    public static Qcow2Image Open(string path, bool writable = false, string what = "the qcow2 image")
    {
        InputFile.Require(path, what);
        UndoJournal.RecoverInterrupted(path);
        var file = File.OpenHandle(path, FileMode.Open, writable ? FileAccess.ReadWrite : FileAccess.Read,
            writable ? FileShare.None : FileShare.Read);
        try
        {
            return Load(file, path, writable);
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    private static Qcow2Image Load(SafeFileHandle file, string path, bool writable)
    {
        long fileSize = RandomAccess.GetLength(file);
        var start = new byte[(int)Math.Min(fileSize, 1L << MaxClusterBits)];
        Qcow2FileIo.ReadExactly(file, 0, start, path, "the header");
        var header = Qcow2Header.Parse(start, fileSize, path);

        var owners = new Qcow2ClusterOwners(path, fileSize, header.ClusterBits);
        owners.Claim(0, 1, Owner.Header);
        long l1Clusters = ClustersFor(header.L1Size * (long)TableEntrySize, header.ClusterBits);
        if (header.L1Size > 0)
            owners.Claim(header.L1TableOffset, l1Clusters, Owner.L1Table);
        owners.Claim(header.RefcountTableOffset, header.RefcountTableClusters, Owner.RefcountTable);

        long refcountEntries = (long)header.RefcountTableClusters * header.ClusterSize / TableEntrySize;
        var refcountTable = Qcow2FileIo.ReadTable(file, header.RefcountTableOffset, refcountEntries, path, "the refcount table");
        for (long i = 0; i < refcountTable.Length; i++)
        {
            ulong entry = refcountTable[i];
            if (entry == 0)
                continue;
            if ((entry & ~RefcountTableOffsetMask) != 0)
                throw Diag.Error(nameof(Strings.Qcow2ReservedBitsSet), path, "refcount table", i, entry & ~RefcountTableOffsetMask);
            long offset = (long)entry;
            header.CheckRange(path, "refcount block", offset, header.ClusterSize, fileSize);
            owners.Claim(offset, 1, Owner.RefcountBlock);
        }

        var l1 = header.L1Size == 0 ? [] : Qcow2FileIo.ReadTable(file, header.L1TableOffset, header.L1Size, path, "the L1 table");
        var image = new Qcow2Image(file, path, writable, header, l1, refcountTable, fileSize);
        image.CheckMappings(owners, fileSize);
        if (writable)
        {
            image.PrepareForWriting();
            image.CheckRefcounts(owners);
            image.RefuseSharedCompressedClusters(owners);
            if (image._compressedReferences.Count > 0)
                image._refcounts.ReserveThrough(image._compressedReferences.Keys.Max());
        }
        return image;
    }

    private static long ClustersFor(long bytes, int clusterBits) => (bytes + (1L << clusterBits) - 1) >> clusterBits;

    /// <summary>Walks L1 → L2 → data once, claiming each cluster; counts allocated clusters.</summary>
    private void CheckMappings(Qcow2ClusterOwners owners, long fileSize)
    {
        var l2Bytes = new byte[ClusterSize];
        for (int i = 0; i < _l1.Length; i++)
        {
            ulong entry = _l1[i];
            long l2Offset = (long)(entry & L1EntryOffsetMask);
            if ((entry & L1EntryReservedMask) != 0)
                throw Diag.Error(nameof(Strings.Qcow2ReservedBitsSet), _path, "L1", i, entry & L1EntryReservedMask);
            if (l2Offset == 0)
                continue;
            _header.CheckRange(_path, "L2 table", l2Offset, ClusterSize, fileSize);
            owners.Claim(l2Offset, 1, Owner.L2Table);
            Qcow2FileIo.ReadExactly(_file, l2Offset, l2Bytes, _path, "an L2 table");
            for (int j = 0; j < _header.L2Entries; j++)
            {
                ulong l2 = BinaryPrimitives.ReadUInt64BigEndian(l2Bytes.AsSpan(j * TableEntrySize));
                if ((l2 & OflagCompressed) != 0)
                {
                    var (hostOffset, length) = CompressedLocation(l2);
                    if (hostOffset >= fileSize)
                        throw Diag.Error(nameof(Strings.Qcow2OffsetOutOfRange), _path, "compressed cluster", hostOffset, fileSize);
                    for (long c = hostOffset >> _header.ClusterBits; c <= (hostOffset + length - 1) >> _header.ClusterBits; c++)
                        _compressedReferences[c] = _compressedReferences.GetValueOrDefault(c) + 1;
                    _allocatedClusters++;
                    _compressedClusters++;
                    continue;
                }
                ulong reserved = L2StandardReservedMask | (_header.Version < Version3 ? L2EntryZeroFlag : 0);
                if ((l2 & reserved) != 0)
                    throw Diag.Error(nameof(Strings.Qcow2ReservedBitsSet), _path, "L2", (long)i * _header.L2Entries + j, l2 & reserved);
                long host = (long)(l2 & L2EntryOffsetMask);
                if (host == 0)
                    continue;
                _header.CheckRange(_path, "data cluster", host, 1, fileSize);
                owners.Claim(host, 1, Owner.Data);
                if ((l2 & L2EntryZeroFlag) == 0)
                    _allocatedClusters++;
            }
        }
    }

    private void PrepareForWriting()
    {
        if (_header.NbSnapshots > 0)
            throw Diag.Error(nameof(Strings.Qcow2ReadOnlyImage), _path, "it has internal snapshots");
        if ((_header.IncompatibleFeatures & IncompatibleDirty) != 0)
            throw Diag.Error(nameof(Strings.Qcow2ReadOnlyImage), _path, "it is marked dirty (its refcounts may be stale)");
        if ((_header.IncompatibleFeatures & IncompatibleCorrupt) != 0)
            throw Diag.Error(nameof(Strings.Qcow2ReadOnlyImage), _path, "it is marked corrupt");
        if (_header.HasBitmapsExtension && (_header.AutoclearFeatures & AutoclearBitmaps) != 0)
            throw Diag.Error(nameof(Strings.Qcow2HasBitmaps), _path);
    }

    /// <summary>
    /// The refcount of every host cluster against the references the tables make, and OFLAG_COPIED against refcount 1,
    /// as `qemu-img check` judges them: a refcount below the references, or a wrong COPIED flag, is corruption
    /// (CCIMG2501/CCIMG2502) and nothing is written into such an image. A refcount above them is a leak, which is safe.
    /// </summary>
    private void CheckRefcounts(Qcow2ClusterOwners owners)
    {
        foreach (long c in owners.Claimed().Concat(_compressedReferences.Keys.Where(c => !owners.IsClaimed(c))))
        {
            long references = (owners.IsClaimed(c) ? 1 : 0) + _compressedReferences.GetValueOrDefault(c);
            ulong refcount = _refcounts.Get(c);
            if (refcount < (ulong)references)
                throw Diag.Error(nameof(Strings.Qcow2RefcountCorrupt), _path, c, c << _header.ClusterBits, refcount, references);
        }

        var l2Bytes = new byte[ClusterSize];
        for (int i = 0; i < _l1.Length; i++)
        {
            long l2Offset = (long)(_l1[i] & L1EntryOffsetMask);
            if (l2Offset == 0)
                continue;
            CheckCopied("L2 table", l2Offset, (_l1[i] & OflagCopied) != 0);
            Qcow2FileIo.ReadExactly(_file, l2Offset, l2Bytes, _path, "an L2 table");
            for (int j = 0; j < _header.L2Entries; j++)
            {
                ulong l2 = BinaryPrimitives.ReadUInt64BigEndian(l2Bytes.AsSpan(j * TableEntrySize));
                if ((l2 & OflagCompressed) != 0)
                {
                    if ((l2 & OflagCopied) != 0)
                        throw Diag.Error(nameof(Strings.Qcow2CopiedFlagWrong), _path, "compressed cluster", CompressedLocation(l2).Offset, "set", "any (it must never be set on a compressed cluster)");
                    continue;
                }
                long host = (long)(l2 & L2EntryOffsetMask);
                if (host != 0)
                    CheckCopied("data cluster", host, (l2 & OflagCopied) != 0);
            }
        }
    }

    /// <summary>
    /// Compressed data may share host clusters only with other compressed data (QEMU packs compressed clusters into
    /// clusters of their own). A host cluster that compressed bytes share with anything else — a data cluster, an L2
    /// table, other metadata — is refused (CCIMG2510) although `qemu-img check` passes it: a write into either one
    /// changes the other's bytes, and freeing the compressed data (a write over it) leaves the other at refcount 1 with
    /// OFLAG_COPIED clear, which `qemu-img check` then calls corruption (QEMU's own writer does exactly that).
    /// </summary>
    private void RefuseSharedCompressedClusters(Qcow2ClusterOwners owners)
    {
        long shared = _compressedReferences.Keys.Where(owners.IsClaimed).DefaultIfEmpty(-1).Min();
        if (shared >= 0)
            throw Diag.Error(nameof(Strings.Qcow2CompressedClusterShared), _path, shared << _header.ClusterBits, owners.Describe(shared));
    }

    private void CheckCopied(string what, long offset, bool copied)
    {
        ulong refcount = _refcounts.Get(offset >> _header.ClusterBits);
        if ((refcount == 1) != copied)
            throw Diag.Error(nameof(Strings.Qcow2CopiedFlagWrong), _path, what, offset, copied ? "set" : "clear", refcount);
    }

    /// <summary>Every write to the file: the old bytes go to the undo journal first (started at the first write).</summary>
    private void WriteFile(ReadOnlySpan<byte> data, long offset)
    {
        RequireWritable();
        _journal ??= UndoJournal.Begin(_path, _file);
        _journal.Write(data, offset);
    }

    /// <summary>Before the first modification: clear autoclear features, which become stale once a writer that does
    /// not maintain them writes (images whose bitmaps are valid were refused when opened).</summary>
    private void BeforeModifying()
    {
        if (_header.AutoclearFeatures == 0)
            return;
        Qcow2FileIo.WriteEntry(WriteFile, OffsetAutoclearFeatures, 0);
        _header = _header with { AutoclearFeatures = 0 };
    }

    public Qcow2Info GetInfo() => new(
        _header.Size, ClusterSize, _allocatedClusters, RandomAccess.GetLength(_file), (int)_header.Version,
        _header.RefcountBits, _header.L1Size, _compressedClusters, _header.NbSnapshots);

    /// <summary>Opens <paramref name="path"/> read-only and returns its summary.</summary>
    public static Qcow2Info Inspect(string path, string what = "the qcow2 image")
    {
        using var image = Open(path, what: what);
        return image.GetInfo();
    }

    /// <summary>Whether the regular file at <paramref name="path"/> starts with the qcow2 magic.</summary>
    public static bool HasMagic(string path)
    {
        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        Span<byte> start = stackalloc byte[sizeof(uint)];
        return Qcow2FileIo.ReadUpTo(file, 0, start) == start.Length && BinaryPrimitives.ReadUInt32BigEndian(start) == Magic;
    }

    private (long Offset, int Length) CompressedLocation(ulong entry)
    {
        int x = 62 - (_header.ClusterBits - 8);
        long offset = (long)(entry & ((1UL << x) - 1));
        long sectors = (long)((entry >> x) & ((1UL << (62 - x)) - 1)) + 1;
        long length = sectors * CompressedSectorSize - (offset & (CompressedSectorSize - 1));
        return (offset, (int)length);
    }

    /// <summary>The L2 entry mapping virtual cluster <paramref name="virtualCluster"/> (0 if no L2 table).</summary>
    private ulong L2Entry(long virtualCluster, out long l2Offset)
    {
        long index = virtualCluster / _header.L2Entries;
        l2Offset = (long)(_l1[index] & L1EntryOffsetMask);
        if (l2Offset == 0)
            return 0;
        return LoadL2(l2Offset)[virtualCluster % _header.L2Entries];
    }

    private ulong[] LoadL2(long l2Offset)
    {
        if (_cachedL2 == null || _cachedL2Offset != l2Offset)
        {
            _cachedL2 = Qcow2FileIo.ReadTable(_file, l2Offset, _header.L2Entries, _path, "an L2 table");
            _cachedL2Offset = l2Offset;
        }
        return _cachedL2;
    }

    private void CheckAccess(long offset, long length)
    {
        if (offset < 0 || length < 0 || offset > _header.Size - length)
            throw Diag.Error(nameof(Strings.Qcow2AccessOutOfRange), _path, length, offset, _header.Size);
    }

    /// <summary>Reads virtual bytes; bytes past the virtual size read as zeros (the IDiskSource contract).</summary>
    public void ReadAt(long offset, Span<byte> buffer)
    {
        if (offset < 0)
            throw Diag.Error(nameof(Strings.Qcow2AccessOutOfRange), _path, buffer.Length, offset, _header.Size);
        long inside = Math.Clamp(_header.Size - offset, 0, buffer.Length);
        buffer[(int)inside..].Clear();
        buffer = buffer[..(int)inside];
        int clusterSize = ClusterSize;
        byte[]? inflated = null;
        while (buffer.Length > 0)
        {
            long virtualCluster = offset >> _header.ClusterBits;
            int within = (int)(offset & (clusterSize - 1));
            int n = Math.Min(buffer.Length, clusterSize - within);
            ulong entry = L2Entry(virtualCluster, out _);
            long host = (long)(entry & L2EntryOffsetMask);
            if ((entry & OflagCompressed) != 0)
            {
                inflated ??= new byte[clusterSize];
                Inflate(entry, inflated);
                inflated.AsSpan(within, n).CopyTo(buffer);
            }
            else if (host == 0 || (entry & L2EntryZeroFlag) != 0)
            {
                buffer[..n].Clear();
            }
            else
            {
                // Extend the read over following clusters that are contiguous on the host.
                for (long run = 1; n < buffer.Length; run++)
                {
                    ulong next = L2Entry(virtualCluster + run, out _);
                    if ((next & (OflagCompressed | L2EntryZeroFlag)) != 0 || (long)(next & L2EntryOffsetMask) != host + run * clusterSize)
                        break;
                    n = Math.Min(buffer.Length, n + clusterSize);
                }
                int got = Qcow2FileIo.ReadUpTo(_file, host + within, buffer[..n]);
                buffer[got..n].Clear(); // a final cluster may end before its cluster boundary in the file
            }
            buffer = buffer[n..];
            offset += n;
        }
    }

    /// <summary>The virtual ranges backed by stored clusters (standard or compressed), ascending and merged.</summary>
    public IEnumerable<DiskExtent> DataExtents()
    {
        long start = -1, end = -1;
        for (long i = 0; i < _l1.Length; i++)
        {
            long l2Offset = (long)(_l1[i] & L1EntryOffsetMask);
            if (l2Offset == 0)
                continue;
            var l2 = LoadL2(l2Offset);
            for (long j = 0; j < l2.Length; j++)
            {
                ulong entry = l2[j];
                bool stored = (entry & OflagCompressed) != 0
                    || ((entry & L2EntryOffsetMask) != 0 && (entry & L2EntryZeroFlag) == 0);
                long virtualStart = (i * _header.L2Entries + j) << _header.ClusterBits;
                if (!stored || virtualStart >= _header.Size)
                    continue;
                long virtualEnd = Math.Min(virtualStart + ClusterSize, _header.Size);
                if (virtualStart != end)
                {
                    if (start >= 0)
                        yield return new DiskExtent(start, end - start);
                    start = virtualStart;
                }
                end = virtualEnd;
            }
        }
        if (start >= 0)
            yield return new DiskExtent(start, end - start);
    }

    private void Inflate(ulong entry, byte[] cluster)
    {
        var (hostOffset, length) = CompressedLocation(entry);
        var compressed = new byte[length];
        int got = Qcow2FileIo.ReadUpTo(_file, hostOffset, compressed);
        try
        {
            using var stream = new DeflateStream(new MemoryStream(compressed, 0, got), CompressionMode.Decompress);
            int done = 0;
            while (done < cluster.Length)
            {
                int n = stream.Read(cluster, done, cluster.Length - done);
                if (n == 0)
                    throw Diag.Error(nameof(Strings.Qcow2CompressedClusterInvalid), _path, hostOffset);
                done += n;
            }
        }
        catch (InvalidDataException)
        {
            throw Diag.Error(nameof(Strings.Qcow2CompressedClusterInvalid), _path, hostOffset);
        }
    }

    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        RequireWritable();
        CheckAccess(offset, data.Length);
        BeforeModifying();
        int clusterSize = ClusterSize;
        byte[]? fullCluster = null;
        while (data.Length > 0)
        {
            long virtualCluster = offset >> _header.ClusterBits;
            int within = (int)(offset & (clusterSize - 1));
            int n = Math.Min(data.Length, clusterSize - within);
            ulong entry = L2Entry(virtualCluster, out long l2Offset);
            long host = (long)(entry & L2EntryOffsetMask);
            if ((entry & OflagCompressed) != 0)
            {
                // Copy on write: the cluster is decompressed, changed and stored uncompressed in a new cluster; the
                // compressed bytes lose one reference.
                fullCluster ??= new byte[clusterSize];
                Inflate(entry, fullCluster);
                data[..n].CopyTo(fullCluster.AsSpan(within));
                long newHost = _refcounts.Allocate(1);
                WriteFile(fullCluster, newHost);
                SetL2Entry(l2Offset, virtualCluster % _header.L2Entries, (ulong)newHost | OflagCopied);
                var (compressedOffset, compressedLength) = CompressedLocation(entry);
                long firstHost = compressedOffset >> _header.ClusterBits;
                long lastHost = (compressedOffset + compressedLength - 1) >> _header.ClusterBits;
                _refcounts.Release(firstHost << _header.ClusterBits, lastHost - firstHost + 1);
                _compressedClusters--;
            }
            else if (host != 0 && (entry & L2EntryZeroFlag) == 0)
            {
                WriteFile(data[..n], host + within);
            }
            else
            {
                // A new (or preallocated zero) cluster: write it whole so the file covers it. A preallocated cluster
                // keeps the OFLAG_COPIED bit its entry had: its refcount does not change, and the open checked the
                // bit against it (a refcount above 1 there can only be a leak, see RefuseSharedCompressedClusters).
                fullCluster ??= new byte[clusterSize];
                Array.Clear(fullCluster);
                data[..n].CopyTo(fullCluster.AsSpan(within));
                if (l2Offset == 0)
                    l2Offset = AllocateL2(virtualCluster / _header.L2Entries);
                ulong copied = host == 0 ? OflagCopied : entry & OflagCopied;
                if (host == 0)
                    host = _refcounts.Allocate(1);
                WriteFile(fullCluster, host);
                SetL2Entry(l2Offset, virtualCluster % _header.L2Entries, (ulong)host | copied);
                _allocatedClusters++;
            }
            data = data[n..];
            offset += n;
        }
    }

    private long AllocateL2(long l1Index)
    {
        long l2Offset = _refcounts.Allocate(1);
        WriteFile(new byte[ClusterSize], l2Offset);
        _l1[l1Index] = (ulong)l2Offset | OflagCopied;
        Qcow2FileIo.WriteEntry(WriteFile, _header.L1TableOffset + l1Index * TableEntrySize, _l1[l1Index]);
        return l2Offset;
    }

    private void SetL2Entry(long l2Offset, long index, ulong value)
    {
        Qcow2FileIo.WriteEntry(WriteFile, l2Offset + index * TableEntrySize, value);
        if (_cachedL2 != null && _cachedL2Offset == l2Offset)
            _cachedL2[index] = value;
    }

    private void RequireWritable()
    {
        if (!_writable)
            throw new InvalidOperationException("The image was opened read-only.");
        if (_rolledBack)
            throw new InvalidOperationException("The image's changes were rolled back; open it again.");
    }

    /// <summary>
    /// Checks, before anything is written, that a write of <paramref name="length"/> bytes at <paramref name="offset"/>
    /// (which may lie past the current virtual size, for a write after <see cref="Grow"/>) can be done: any compressed
    /// cluster it touches can be decompressed (CCIMG2018).
    /// </summary>
    public void CheckWritable(long offset, long length)
    {
        RequireWritable();
        if (offset < 0 || length < 0 || offset > MaxVirtualSize - length)
            throw Diag.Error(nameof(Strings.Qcow2AccessOutOfRange), _path, length, offset, MaxVirtualSize);
        byte[]? scratch = null;
        for (long c = offset >> _header.ClusterBits; length > 0 && c <= (offset + length - 1) >> _header.ClusterBits; c++)
        {
            if (c / _header.L2Entries >= _l1.Length)
                break; // past the L1 table: unmapped, a new cluster will be allocated
            ulong entry = L2Entry(c, out _);
            if ((entry & OflagCompressed) != 0)
                Inflate(entry, scratch ??= new byte[ClusterSize]);
        }
    }

    /// <summary>
    /// The virtual size <paramref name="text"/> asks for: an absolute size (<c>20G</c>, bytes) or, with a leading
    /// '+', a growth of the current size (<c>+5G</c>). Throws CCIMG1002 for text that is not a size.
    /// </summary>
    public long ResolveNewSize(string text, string what = "the new virtual size")
    {
        var (relative, bytes) = SizeParser.ParseRelative(text, what);
        if (!relative)
            return bytes;
        try { return checked(Length + bytes); }
        catch (OverflowException) { throw Diag.Error(nameof(Strings.InvalidSize), text, what); }
    }

    /// <summary>
    /// Grows the virtual size to <paramref name="newSize"/> bytes. When the L1 table must grow, a new one is written
    /// at the end of the file, the header is switched to it in one write, then the old table's clusters are released.
    /// </summary>
    public void Grow(long newSize)
    {
        RequireWritable();
        if (newSize < _header.Size)
            throw Diag.Error(nameof(Strings.Qcow2ShrinkRefused), _path, _header.Size, newSize);
        if (newSize % SectorSize != 0)
            throw Diag.Error(nameof(Strings.Qcow2SizeNotAligned), newSize, _path);
        long required = Qcow2Header.RequiredL1Size(newSize, _header.ClusterBits);
        if (newSize > MaxVirtualSize || required * TableEntrySize > MaxL1TableBytes)
            throw Diag.Error(nameof(Strings.Qcow2SizeTooLarge), newSize, ClusterSize);
        BeforeModifying();

        Span<byte> fields = stackalloc byte[OffsetRefcountTableOffset - OffsetSize]; // size, crypt_method, l1_size, l1_table_offset
        if (required <= _header.L1Size)
        {
            BinaryPrimitives.WriteInt64BigEndian(fields, newSize);
            WriteFile(fields[..8], OffsetSize);
            _header = _header with { Size = newSize };
            return;
        }

        long oldOffset = _header.L1TableOffset;
        long oldClusters = ClustersFor(_header.L1Size * (long)TableEntrySize, _header.ClusterBits);
        long newClusters = ClustersFor(required * TableEntrySize, _header.ClusterBits);
        var l1 = new ulong[required];
        Array.Copy(_l1, l1, _l1.Length);
        long newOffset = _refcounts.Allocate(newClusters);
        Qcow2FileIo.WriteTable(WriteFile, newOffset, l1, newClusters << _header.ClusterBits);
        _refcounts.WriteDirtyBlocks();

        BinaryPrimitives.WriteInt64BigEndian(fields, newSize);
        BinaryPrimitives.WriteUInt32BigEndian(fields[(OffsetCryptMethod - OffsetSize)..], _header.CryptMethod);
        BinaryPrimitives.WriteUInt32BigEndian(fields[(OffsetL1Size - OffsetSize)..], (uint)required);
        BinaryPrimitives.WriteInt64BigEndian(fields[(OffsetL1TableOffset - OffsetSize)..], newOffset);
        WriteFile(fields, OffsetSize);
        _header = _header with { Size = newSize, L1Size = (int)required, L1TableOffset = newOffset };
        _l1 = l1;
        if (oldClusters > 0)
            _refcounts.Release(oldOffset, oldClusters);
        _refcounts.WriteDirtyBlocks();
    }

    /// <summary>Writes cached metadata, makes every write durable and ends the change (its undo journal is deleted).</summary>
    public void Flush()
    {
        if (!_writable || _rolledBack)
            return;
        _refcounts.WriteDirtyBlocks();
        if (_journal != null)
        {
            _journal.Commit();
            _journal = null;
        }
        else
        {
            RandomAccess.FlushToDisk(_file);
        }
    }

    /// <summary>Undoes every write since the image was opened (or last flushed): the file is byte-identical again.
    /// The image cannot be used afterwards.</summary>
    public void Rollback()
    {
        if (_journal != null)
        {
            _journal.Rollback();
            _journal = null;
        }
        _rolledBack = true;
    }

    /// <summary>Closes the image; pending changes are flushed (call <see cref="Rollback"/> first to drop them).</summary>
    public void Dispose()
    {
        if (_file.IsClosed)
            return;
        try
        {
            if (_writable && !_rolledBack)
                Flush();
        }
        finally
        {
            _journal?.Dispose();
            _file.Dispose();
        }
    }
}
