// The qcow2 image format's constants.
// Specification: QEMU, docs/interop/qcow2.rst ("Header", "Header extensions", "Host cluster management",
// "Cluster mapping"). Names follow the specification's field names; all integers on disk are big-endian.
namespace CcImage.Core.Qcow2;

public static class Qcow2Format
{
    /// <summary>magic: 'Q', 'F', 'I', 0xfb.</summary>
    public const uint Magic = 0x514649fb;

    public const uint Version2 = 2;
    public const uint Version3 = 3;

    /// <summary>Length of the version 2 header (bytes 0..71).</summary>
    public const int Version2HeaderLength = 72;

    /// <summary>Minimum header_length of a version 3 header (bytes 0..103).</summary>
    public const int Version3MinHeaderLength = 104;

    /// <summary>A version 3 header_length is a multiple of this (header padding).</summary>
    public const int HeaderLengthAlignment = 8;

    /// <summary>The header_length we write: 104 bytes plus compression_type and padding to a multiple of 8.</summary>
    public const int Version3HeaderLengthWritten = 112;

    /// <summary>cluster_bits bounds (512 B .. 2 MiB).</summary>
    public const int MinClusterBits = 9;
    public const int MaxClusterBits = 21;
    public const int DefaultClusterSize = 65536;

    /// <summary>refcount_order assumed for version 2 and written for version 3 (16-bit refcounts).</summary>
    public const int DefaultRefcountOrder = 4;
    public const int MaxRefcountOrder = 6;

    /// <summary>Upper bounds QEMU enforces on the in-memory tables (QCOW_MAX_L1_SIZE, QCOW_MAX_REFTABLE_SIZE).</summary>
    public const long MaxL1TableBytes = 32L << 20;
    public const long MaxRefcountTableBytes = 8L << 20;

    /// <summary>Largest virtual size we accept (QEMU's QCOW_MAX_... limit on offsets, 2^56 bytes).</summary>
    public const long MaxVirtualSize = 1L << 56;

    /// <summary>Virtual sizes are multiples of this (QEMU's BDRV_SECTOR_SIZE).</summary>
    public const int SectorSize = 512;

    // Header field offsets (bytes).
    public const int OffsetMagic = 0;
    public const int OffsetVersion = 4;
    public const int OffsetBackingFileOffset = 8;
    public const int OffsetBackingFileSize = 16;
    public const int OffsetClusterBits = 20;
    public const int OffsetSize = 24;
    public const int OffsetCryptMethod = 32;
    public const int OffsetL1Size = 36;
    public const int OffsetL1TableOffset = 40;
    public const int OffsetRefcountTableOffset = 48;
    public const int OffsetRefcountTableClusters = 56;
    public const int OffsetNbSnapshots = 60;
    public const int OffsetSnapshotsOffset = 64;
    public const int OffsetIncompatibleFeatures = 72;
    public const int OffsetCompatibleFeatures = 80;
    public const int OffsetAutoclearFeatures = 88;
    public const int OffsetRefcountOrder = 96;
    public const int OffsetHeaderLength = 100;
    public const int OffsetCompressionType = 104;

    // incompatible_features bits.
    public const ulong IncompatibleDirty = 1UL << 0;
    public const ulong IncompatibleCorrupt = 1UL << 1;
    public const ulong IncompatibleExternalDataFile = 1UL << 2;
    public const ulong IncompatibleCompressionType = 1UL << 3;
    public const ulong IncompatibleExtendedL2 = 1UL << 4;

    /// <summary>autoclear_features bit 0: the bitmaps extension is consistent.</summary>
    public const ulong AutoclearBitmaps = 1UL << 0;

    /// <summary>compression_type values.</summary>
    public const byte CompressionTypeZlib = 0;

    /// <summary>crypt_method value meaning "no encryption".</summary>
    public const uint CryptMethodNone = 0;

    // Header extension types.
    public const uint ExtensionEnd = 0x00000000;
    public const uint ExtensionBackingFileFormat = 0xe2792aca;
    public const uint ExtensionFeatureNameTable = 0x6803f857;
    public const uint ExtensionBitmaps = 0x23852875;
    public const uint ExtensionFullDiskEncryption = 0x0537be77;
    public const uint ExtensionExternalDataFile = 0x44415441;

    /// <summary>Each L1, L2 and refcount table entry is 8 bytes.</summary>
    public const int TableEntrySize = 8;

    // L1 table entry: bits 9-55 offset of the L2 table, bit 63 "copied" (refcount exactly 1).
    public const ulong L1EntryOffsetMask = 0x00ff_ffff_ffff_fe00UL;
    public const ulong L1EntryReservedMask = 0x7f00_0000_0000_01ffUL;

    // L2 table entry: bit 63 copied, bit 62 compressed, standard cluster descriptor bits 9-55 host offset, bit 0 all-zeros.
    public const ulong OflagCopied = 1UL << 63;
    public const ulong OflagCompressed = 1UL << 62;
    public const ulong L2EntryOffsetMask = 0x00ff_ffff_ffff_fe00UL;
    public const ulong L2EntryZeroFlag = 1UL << 0;
    public const ulong L2StandardReservedMask = 0x3f00_0000_0000_01feUL;

    // Refcount table entry: bits 9-63 offset of the refcount block.
    public const ulong RefcountTableOffsetMask = 0xffff_ffff_ffff_fe00UL;

    /// <summary>Compressed cluster descriptor: sizes are counted in 512-byte sectors.</summary>
    public const int CompressedSectorSize = 512;
}
