// Builds small OVMF-shaped firmware images for tests: deterministic page contents, a footer GUID table with the
// entries a test asks for (in the order given), and SEV metadata with any items, in any order.
using System.Buffers.Binary;
using CcImage.Core.Snp;

namespace CcImage.Tests.Snp;

internal sealed class SyntheticFirmware
{
    private readonly List<(Guid Guid, byte[] Data)> _entries = [];
    private readonly List<OvmfSevMetadataSectionDesc> _items = [];
    private bool _metadata;

    public SyntheticFirmware(int pages, byte seed)
    {
        Pages = pages;
        Seed = seed;
    }

    public int Pages { get; }
    public byte Seed { get; }

    /// <summary>Where the metadata block starts, counted back from the end of the image.</summary>
    public const int MetadataOffsetFromEnd = 2 * AmdSevSnpAbi.PageSize;

    public SyntheticFirmware Entry(Guid guid, uint leadingValue, int extraBytes = 0)
    {
        var data = new byte[4 + extraBytes];
        BinaryPrimitives.WriteUInt32LittleEndian(data, leadingValue);
        for (int i = 4; i < data.Length; i++)
            data[i] = (byte)(0xA0 + i);
        _entries.Add((guid, data));
        return this;
    }

    public SyntheticFirmware ResetBlock(uint apEip) => Entry(OvmfFooterTable.SEV_ES_RESET_BLOCK_GUID, apEip);

    public SyntheticFirmware HashTable(uint gpa) => Entry(OvmfFooterTable.SEV_HASH_TABLE_RV_GUID, gpa, extraBytes: 4);

    public SyntheticFirmware Metadata(params (SectionType Type, uint Gpa, uint Size)[] items)
    {
        _metadata = true;
        foreach (var (type, gpa, size) in items)
            _items.Add(new OvmfSevMetadataSectionDesc(gpa, size, (uint)type));
        return Entry(OvmfFooterTable.OVMF_SEV_META_DATA_GUID, MetadataOffsetFromEnd);
    }

    public SyntheticFirmware SvsmInfo(uint entryOffset) => Entry(OvmfFooterTable.SVSM_INFO_GUID, entryOffset);

    public byte[] Build()
    {
        var image = new byte[Pages * AmdSevSnpAbi.PageSize];
        uint state = 0x9E3779B9u * (Seed + 1u);
        for (int i = 0; i < image.Length; i++)
        {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            image[i] = (byte)state;
        }
        if (_metadata)
        {
            int start = image.Length - MetadataOffsetFromEnd;
            var header = image.AsSpan(start);
            "ASEV"u8.CopyTo(header);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(OvmfImage.MetadataHeaderSize + _items.Count * OvmfSevMetadataSectionDesc.EncodedSize));
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], OvmfImage.MetadataVersion);
            BinaryPrimitives.WriteUInt32LittleEndian(header[12..], (uint)_items.Count);
            int offset = start + OvmfImage.MetadataHeaderSize;
            foreach (var item in _items)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(offset), item.Gpa);
                BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(offset + 4), item.Size);
                BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(offset + 8), item.SectionTypeValue);
                offset += OvmfSevMetadataSectionDesc.EncodedSize;
            }
        }
        // The footer entry ends 32 bytes before the end; the other entries are laid out backwards in front of it.
        int end = image.Length - OvmfFooterTable.FooterDistanceFromEnd - OvmfFooterTable.EntryHeaderSize;
        int tableSize = OvmfFooterTable.EntryHeaderSize;
        int cursor = end;
        foreach (var (guid, data) in _entries)
        {
            int size = data.Length + OvmfFooterTable.EntryHeaderSize;
            cursor -= size;
            data.CopyTo(image, cursor);
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(cursor + data.Length), (ushort)size);
            guid.TryWriteBytes(image.AsSpan(cursor + data.Length + 2));
            tableSize += size;
        }
        if (_entries.Count > 0)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(end), (ushort)tableSize);
            OvmfFooterTable.OVMF_TABLE_FOOTER_GUID.TryWriteBytes(image.AsSpan(end + 2));
        }
        return image;
    }

    /// <summary>Deterministic bytes standing in for a kernel or an initrd.</summary>
    public static byte[] Blob(int length, byte seed)
    {
        var data = new byte[length];
        for (int i = 0; i < length; i++)
            data[i] = (byte)(i * 7 + seed + (i >> 9));
        return data;
    }
}
