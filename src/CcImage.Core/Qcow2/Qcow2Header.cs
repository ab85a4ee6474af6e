// The qcow2 header (docs/interop/qcow2.rst, "Header"): parsed and checked from the start of an image, or built by the writer.
using System.Buffers.Binary;
using CcImage.Core.Diagnostics;
using static CcImage.Core.Qcow2.Qcow2Format;

namespace CcImage.Core.Qcow2;

public sealed record Qcow2Header
{
    public uint Version { get; init; } = Version3;
    public ulong BackingFileOffset { get; init; }
    public uint BackingFileSize { get; init; }
    public int ClusterBits { get; init; } = 16;
    public long Size { get; init; }
    public uint CryptMethod { get; init; }
    public int L1Size { get; init; }
    public long L1TableOffset { get; init; }
    public long RefcountTableOffset { get; init; }
    public int RefcountTableClusters { get; init; }
    public uint NbSnapshots { get; init; }
    public long SnapshotsOffset { get; init; }
    public ulong IncompatibleFeatures { get; init; }
    public ulong CompatibleFeatures { get; init; }
    public ulong AutoclearFeatures { get; init; }
    public int RefcountOrder { get; init; } = DefaultRefcountOrder;
    public int HeaderLength { get; init; } = Version3HeaderLengthWritten;
    public byte CompressionType { get; init; } = CompressionTypeZlib;

    /// <summary>The header carries the bitmaps extension (persistent dirty bitmaps); set by <see cref="Parse"/>.</summary>
    public bool HasBitmapsExtension { get; init; }

    public int ClusterSize => 1 << ClusterBits;

    /// <summary>Entries per L2 table (cluster_size / 8).</summary>
    public int L2Entries => ClusterSize / TableEntrySize;

    /// <summary>Bytes of virtual disk one L2 table maps.</summary>
    public long L2Coverage => (long)ClusterSize * L2Entries;

    public int RefcountBits => 1 << RefcountOrder;

    /// <summary>Refcount entries in one refcount block.</summary>
    public long RefcountBlockEntries => (long)ClusterSize * 8 / RefcountBits;

    /// <summary>The number of L1 entries a disk of <paramref name="virtualSize"/> bytes needs.</summary>
    public static long RequiredL1Size(long virtualSize, int clusterBits)
    {
        long coverage = (1L << clusterBits) * ((1L << clusterBits) / TableEntrySize);
        return (virtualSize + coverage - 1) / coverage;
    }

    /// <summary>Serialises the header fields into <paramref name="cluster"/> (at least HeaderLength bytes, pre-zeroed).</summary>
    public void WriteTo(Span<byte> cluster)
    {
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetMagic..], Magic);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetVersion..], Version);
        BinaryPrimitives.WriteUInt64BigEndian(cluster[OffsetBackingFileOffset..], BackingFileOffset);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetBackingFileSize..], BackingFileSize);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetClusterBits..], (uint)ClusterBits);
        BinaryPrimitives.WriteInt64BigEndian(cluster[OffsetSize..], Size);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetCryptMethod..], CryptMethod);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetL1Size..], (uint)L1Size);
        BinaryPrimitives.WriteInt64BigEndian(cluster[OffsetL1TableOffset..], L1TableOffset);
        BinaryPrimitives.WriteInt64BigEndian(cluster[OffsetRefcountTableOffset..], RefcountTableOffset);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetRefcountTableClusters..], (uint)RefcountTableClusters);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetNbSnapshots..], NbSnapshots);
        BinaryPrimitives.WriteInt64BigEndian(cluster[OffsetSnapshotsOffset..], SnapshotsOffset);
        if (Version < Version3)
            return;
        BinaryPrimitives.WriteUInt64BigEndian(cluster[OffsetIncompatibleFeatures..], IncompatibleFeatures);
        BinaryPrimitives.WriteUInt64BigEndian(cluster[OffsetCompatibleFeatures..], CompatibleFeatures);
        BinaryPrimitives.WriteUInt64BigEndian(cluster[OffsetAutoclearFeatures..], AutoclearFeatures);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetRefcountOrder..], (uint)RefcountOrder);
        BinaryPrimitives.WriteUInt32BigEndian(cluster[OffsetHeaderLength..], (uint)HeaderLength);
        if (HeaderLength > OffsetCompressionType)
            cluster[OffsetCompressionType] = CompressionType;
    }

    /// <summary>
    /// Parses and checks the header at the start of <paramref name="start"/> (the file's first bytes, up to one
    /// maximum-size cluster) of a file of <paramref name="fileSize"/> bytes. Throws CCIMG20xx for anything we
    /// cannot read safely.
    /// </summary>
    public static Qcow2Header Parse(ReadOnlySpan<byte> start, long fileSize, string path)
    {
        if (start.Length < 8 || BinaryPrimitives.ReadUInt32BigEndian(start) != Magic)
            throw Diag.Error(nameof(Strings.Qcow2BadMagic), path);
        uint version = BinaryPrimitives.ReadUInt32BigEndian(start[OffsetVersion..]);
        if (version != Version2 && version != Version3)
            throw Diag.Error(nameof(Strings.Qcow2UnsupportedVersion), path, version);
        int minimum = version == Version2 ? Version2HeaderLength : Version3MinHeaderLength;
        if (start.Length < minimum)
            throw Diag.Error(nameof(Strings.Qcow2Truncated), path, fileSize, "the header");

        uint clusterBits = BinaryPrimitives.ReadUInt32BigEndian(start[OffsetClusterBits..]);
        if (clusterBits < MinClusterBits || clusterBits > MaxClusterBits)
            throw Diag.Error(nameof(Strings.Qcow2BadHeaderField), path, "cluster_bits", clusterBits,
                $"it must be {MinClusterBits}..{MaxClusterBits}");

        var h = new Qcow2Header
        {
            Version = version,
            BackingFileOffset = BinaryPrimitives.ReadUInt64BigEndian(start[OffsetBackingFileOffset..]),
            BackingFileSize = BinaryPrimitives.ReadUInt32BigEndian(start[OffsetBackingFileSize..]),
            ClusterBits = (int)clusterBits,
            Size = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(start[OffsetSize..]), long.MaxValue),
            CryptMethod = BinaryPrimitives.ReadUInt32BigEndian(start[OffsetCryptMethod..]),
            L1Size = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(start[OffsetL1Size..]), int.MaxValue),
            L1TableOffset = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(start[OffsetL1TableOffset..]), long.MaxValue),
            RefcountTableOffset = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(start[OffsetRefcountTableOffset..]), long.MaxValue),
            RefcountTableClusters = (int)Math.Min(BinaryPrimitives.ReadUInt32BigEndian(start[OffsetRefcountTableClusters..]), int.MaxValue),
            NbSnapshots = BinaryPrimitives.ReadUInt32BigEndian(start[OffsetNbSnapshots..]),
            SnapshotsOffset = (long)Math.Min(BinaryPrimitives.ReadUInt64BigEndian(start[OffsetSnapshotsOffset..]), long.MaxValue),
            HeaderLength = Version2HeaderLength,
            RefcountOrder = DefaultRefcountOrder,
            CompressionType = CompressionTypeZlib,
        };
        if (version >= Version3)
        {
            uint headerLength = BinaryPrimitives.ReadUInt32BigEndian(start[OffsetHeaderLength..]);
            uint refcountOrder = BinaryPrimitives.ReadUInt32BigEndian(start[OffsetRefcountOrder..]);
            if (headerLength < Version3MinHeaderLength || headerLength > h.ClusterSize || headerLength % HeaderLengthAlignment != 0)
                throw Diag.Error(nameof(Strings.Qcow2BadHeaderField), path, "header_length", headerLength,
                    $"it must be a multiple of {HeaderLengthAlignment} from {Version3MinHeaderLength} to cluster_size");
            if (headerLength > start.Length)
                throw Diag.Error(nameof(Strings.Qcow2Truncated), path, fileSize, "the header");
            if (refcountOrder > MaxRefcountOrder)
                throw Diag.Error(nameof(Strings.Qcow2BadHeaderField), path, "refcount_order", refcountOrder, $"it must be 0..{MaxRefcountOrder}");
            h = h with
            {
                IncompatibleFeatures = BinaryPrimitives.ReadUInt64BigEndian(start[OffsetIncompatibleFeatures..]),
                CompatibleFeatures = BinaryPrimitives.ReadUInt64BigEndian(start[OffsetCompatibleFeatures..]),
                AutoclearFeatures = BinaryPrimitives.ReadUInt64BigEndian(start[OffsetAutoclearFeatures..]),
                RefcountOrder = (int)refcountOrder,
                HeaderLength = (int)headerLength,
                CompressionType = headerLength > OffsetCompressionType ? start[OffsetCompressionType] : CompressionTypeZlib,
            };
        }
        h.CheckFeatures(path);
        h.CheckGeometry(fileSize, path);
        return h with { HasBitmapsExtension = h.CheckExtensions(start, path) };
    }

    private void CheckFeatures(string path)
    {
        if (BackingFileOffset != 0)
            throw Diag.Error(nameof(Strings.Qcow2BackingFile), path);
        if (CryptMethod != CryptMethodNone)
            throw Diag.Error(nameof(Strings.Qcow2Encrypted), path, CryptMethod);
        if ((IncompatibleFeatures & IncompatibleExternalDataFile) != 0)
            throw Diag.Error(nameof(Strings.Qcow2ExternalDataFile), path);
        if ((IncompatibleFeatures & IncompatibleExtendedL2) != 0)
            throw Diag.Error(nameof(Strings.Qcow2ExtendedL2), path);
        // The compression type bit announces a non-zlib compression_type; we read zlib only.
        if ((IncompatibleFeatures & IncompatibleCompressionType) != 0 || CompressionType != CompressionTypeZlib)
            throw Diag.Error(nameof(Strings.Qcow2UnsupportedCompression), path, CompressionType);
        const ulong known = IncompatibleDirty | IncompatibleCorrupt | IncompatibleCompressionType;
        if ((IncompatibleFeatures & ~known) != 0)
            throw Diag.Error(nameof(Strings.Qcow2UnknownIncompatibleFeatures), path, $"0x{IncompatibleFeatures & ~known:x}");
    }

    private void CheckGeometry(long fileSize, string path)
    {
        if (Size < 0 || Size > MaxVirtualSize)
            throw Diag.Error(nameof(Strings.Qcow2BadHeaderField), path, "size", Size, $"it must be at most {MaxVirtualSize}");
        if ((long)L1Size * TableEntrySize > MaxL1TableBytes)
            throw Diag.Error(nameof(Strings.Qcow2TableTooLarge), path, "L1", (long)L1Size * TableEntrySize, MaxL1TableBytes);
        if (L1Size < RequiredL1Size(Size, ClusterBits))
            throw Diag.Error(nameof(Strings.Qcow2BadHeaderField), path, "l1_size", L1Size,
                $"it is too small for the virtual size {Size} (needs {RequiredL1Size(Size, ClusterBits)})");
        if ((long)RefcountTableClusters * ClusterSize > MaxRefcountTableBytes)
            throw Diag.Error(nameof(Strings.Qcow2TableTooLarge), path, "refcount", (long)RefcountTableClusters * ClusterSize, MaxRefcountTableBytes);
        if (RefcountTableClusters == 0)
            throw Diag.Error(nameof(Strings.Qcow2BadHeaderField), path, "refcount_table_clusters", 0, "an image needs a refcount table");
        if (L1Size > 0)
            CheckRange(path, "L1 table", L1TableOffset, (long)L1Size * TableEntrySize, fileSize);
        CheckRange(path, "refcount table", RefcountTableOffset, (long)RefcountTableClusters * ClusterSize, fileSize);
        if (NbSnapshots > 0)
            CheckRange(path, "snapshot table", SnapshotsOffset, 1, fileSize);
    }

    /// <summary>Throws CCIMG2012 unless [offset, offset+length) is cluster-aligned and inside the file.</summary>
    internal void CheckRange(string path, string what, long offset, long length, long fileSize)
    {
        if (offset <= 0 || (offset & (ClusterSize - 1)) != 0 || length < 0 || offset > fileSize - length)
            throw Diag.Error(nameof(Strings.Qcow2OffsetOutOfRange), path, what, offset, fileSize);
    }

    /// <summary>Checks the header extensions; returns whether the bitmaps extension is among them.</summary>
    private bool CheckExtensions(ReadOnlySpan<byte> start, string path)
    {
        bool bitmaps = false;
        int position = HeaderLength;
        int end = Math.Min(start.Length, ClusterSize);
        // Bounded: each extension advances by at least 8 bytes within the first cluster.
        while (position + 8 <= end)
        {
            uint type = BinaryPrimitives.ReadUInt32BigEndian(start[position..]);
            uint length = BinaryPrimitives.ReadUInt32BigEndian(start[(position + 4)..]);
            if (type == ExtensionEnd)
                return bitmaps;
            if (length > (uint)(end - position - 8))
                throw Diag.Error(nameof(Strings.Qcow2BadHeaderField), path, "header extension length", length, "it runs past the first cluster");
            if (type == ExtensionFullDiskEncryption)
                throw Diag.Error(nameof(Strings.Qcow2Encrypted), path, CryptMethod);
            if (type == ExtensionExternalDataFile)
                throw Diag.Error(nameof(Strings.Qcow2ExternalDataFile), path);
            bitmaps |= type == ExtensionBitmaps;
            position += 8 + (int)((length + 7) & ~7u);
        }
        return bitmaps;
    }
}
