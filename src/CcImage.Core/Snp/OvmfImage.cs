// A firmware image as the VMM maps it for an SEV guest: its bytes, its GPA (it ends at a given address, 4 GiB for
// OVMF), its footer GUID table and its SEV metadata items (in table order). Also used for a Coconut-SVSM binary.
using System.Buffers.Binary;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Snp;

public sealed class OvmfImage
{
    /// <summary>Signature of the SEV metadata header ("ASEV").</summary>
    public static ReadOnlySpan<byte> MetadataSignature => "ASEV"u8;

    /// <summary>The only SEV metadata version defined.</summary>
    public const uint MetadataVersion = 1;

    /// <summary>Size of the SEV metadata header: signature, UINT32 size, UINT32 version, UINT32 num_items.</summary>
    public const int MetadataHeaderSize = 16;

    private OvmfImage(string path, byte[] data, long gpa, OvmfFooterTable table, IReadOnlyList<OvmfSevMetadataSectionDesc> items)
    {
        Path = path;
        Data = data;
        Gpa = gpa;
        Table = table;
        MetadataItems = items;
    }

    public string Path { get; }

    /// <summary>The whole image.</summary>
    public byte[] Data { get; }

    /// <summary>Guest physical address of the first byte.</summary>
    public long Gpa { get; }

    public OvmfFooterTable Table { get; }

    /// <summary>The SEV metadata items in the order the table lists them (empty without metadata).</summary>
    public IReadOnlyList<OvmfSevMetadataSectionDesc> MetadataItems { get; }

    /// <summary>
    /// Loads an image that ends at <paramref name="endGpa"/> (4 GiB for OVMF). Only a regular file of at most
    /// <see cref="InputFile.MaxFirmwareBytes"/> is read (CCIMG1003/1150/1151 otherwise); <paramref name="what"/> names it.
    /// </summary>
    public static OvmfImage Load(string path, long endGpa = AmdSevSnpAbi.FourGiB, string what = "the firmware")
    {
        InputFile.Require(path, what, InputFile.MaxFirmwareBytes);
        return Parse(path, File.ReadAllBytes(path), endGpa);
    }

    /// <summary>Parses an image already in memory.</summary>
    public static OvmfImage Parse(string path, byte[] data, long endGpa = AmdSevSnpAbi.FourGiB)
    {
        string name = System.IO.Path.GetFileName(path);
        var table = OvmfFooterTable.Parse(data, name);
        var items = ParseSevMetadata(data, table, name);
        return new OvmfImage(path, data, endGpa - data.LongLength, table, items);
    }

    public bool HasMetadataSection(SectionType type) => MetadataItems.Any(i => i.SectionType == type);

    /// <summary>True when the image has a non-zero kernel hashes table address (SEV / SEV-ES kernel measurement).</summary>
    public bool IsSevHashesTableSupported =>
        Table.TryGet(OvmfFooterTable.SEV_HASH_TABLE_RV_GUID, out var entry) && OvmfFooterTable.ReadLeadingUInt32(entry) != 0;

    /// <summary>GPA of the kernel hashes table.</summary>
    public uint SevHashesTableGpa => ReadEntry(OvmfFooterTable.SEV_HASH_TABLE_RV_GUID, "SEV_HASH_TABLE_RV_GUID");

    /// <summary>The reset EIP of application processors, from the SEV-ES reset block.</summary>
    public uint SevEsResetEip => ReadEntry(OvmfFooterTable.SEV_ES_RESET_BLOCK_GUID, "SEV_ES_RESET_BLOCK_GUID");

    /// <summary>The entry point of a Coconut-SVSM image: its SVSM_INFO offset plus the image's GPA.</summary>
    public long SvsmEntryEip => Gpa + ReadEntry(OvmfFooterTable.SVSM_INFO_GUID, "SVSM_INFO_GUID");

    private uint ReadEntry(Guid guid, string guidName) =>
        Table.TryGet(guid, out var entry)
            ? OvmfFooterTable.ReadLeadingUInt32(entry)
            : throw Diag.Error(nameof(Strings.SnpFooterEntryMissing), System.IO.Path.GetFileName(Path), guidName, guid);

    private static List<OvmfSevMetadataSectionDesc> ParseSevMetadata(byte[] data, OvmfFooterTable table, string name)
    {
        var items = new List<OvmfSevMetadataSectionDesc>();
        if (!table.TryGet(OvmfFooterTable.OVMF_SEV_META_DATA_GUID, out var entry))
            return items;
        long start = data.LongLength - OvmfFooterTable.ReadLeadingUInt32(entry);
        if (start < 0 || start + MetadataHeaderSize > data.LongLength)
            throw Diag.Error(nameof(Strings.SnpMetadataInvalid), name, "its offset points outside the image");
        var header = data.AsSpan((int)start, MetadataHeaderSize);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        uint numItems = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (!header[..4].SequenceEqual(MetadataSignature))
            throw Diag.Error(nameof(Strings.SnpMetadataInvalid), name, "the signature is not 'ASEV'");
        if (version != MetadataVersion)
            throw Diag.Error(nameof(Strings.SnpMetadataInvalid), name, $"version {version} is not 1");
        var itemBytes = PythonSlice.Of(data, start + MetadataHeaderSize, start + size).Span;
        for (long i = 0; i < numItems; i++)
        {
            long offset = i * OvmfSevMetadataSectionDesc.EncodedSize;
            if (offset + OvmfSevMetadataSectionDesc.EncodedSize > itemBytes.Length)
                throw Diag.Error(nameof(Strings.SnpMetadataInvalid), name, $"{numItems} items do not fit in its {size} bytes");
            var item = itemBytes.Slice((int)offset, OvmfSevMetadataSectionDesc.EncodedSize);
            items.Add(new OvmfSevMetadataSectionDesc(
                BinaryPrimitives.ReadUInt32LittleEndian(item),
                BinaryPrimitives.ReadUInt32LittleEndian(item[4..]),
                BinaryPrimitives.ReadUInt32LittleEndian(item[8..])));
        }
        return items;
    }
}
