// The OVMF footer GUID table (edk2 OvmfPkg/ResetVector/Ia16/ResetVectorVtf0.asm): entries of {data, UINT16 size,
// GUID} laid out backwards, ending with a footer entry 32 bytes before the end of the firmware image.
using System.Buffers.Binary;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Snp;

public sealed class OvmfFooterTable
{
    /// <summary>GUID of the footer entry that closes the table.</summary>
    public static readonly Guid OVMF_TABLE_FOOTER_GUID = new("96b582de-1fb2-45f7-baea-a366c55a082d");
    /// <summary>Entry whose first 4 bytes are the GPA of the SEV kernel hashes table (SEV_HASH_TABLE_RV_GUID).</summary>
    public static readonly Guid SEV_HASH_TABLE_RV_GUID = new("7255371f-3a3b-4b04-927b-1da6efa8d454");
    /// <summary>Entry whose first 4 bytes are the reset EIP of application processors (SEV_ES_RESET_BLOCK_GUID).</summary>
    public static readonly Guid SEV_ES_RESET_BLOCK_GUID = new("00f771de-1a7e-4fcb-890e-68c77e2fb44e");
    /// <summary>Entry whose first 4 bytes are the offset, from the end of the image, of the SEV metadata.</summary>
    public static readonly Guid OVMF_SEV_META_DATA_GUID = new("dc886566-984a-4798-a75e-5585a7bf67cc");
    /// <summary>Entry (Coconut-SVSM images) whose first 4 bytes are the SVSM entry point offset.</summary>
    public static readonly Guid SVSM_INFO_GUID = new("a789a612-0597-4c4b-a49f-cbb1fe9d1ddd");

    /// <summary>Size of an entry header: UINT16 size followed by the GUID.</summary>
    public const int EntryHeaderSize = 2 + 16;

    /// <summary>The footer entry ends this many bytes before the end of the firmware image.</summary>
    public const int FooterDistanceFromEnd = 32;

    private readonly Dictionary<Guid, ReadOnlyMemory<byte>> _entries;

    private OvmfFooterTable(Dictionary<Guid, ReadOnlyMemory<byte>> entries) => _entries = entries;

    /// <summary>True when the image ends with a footer table (an OVMF_VARS file or a plain blob does not).</summary>
    public bool Present => _entries.Count > 0;

    /// <summary>The data of the entry <paramref name="entry"/>, when present.</summary>
    public bool TryGet(Guid entry, out ReadOnlyMemory<byte> data) => _entries.TryGetValue(entry, out data);

    public bool Contains(Guid entry) => _entries.ContainsKey(entry);

    /// <summary>Reads the table of <paramref name="image"/>; an image without the footer GUID has an empty table.</summary>
    public static OvmfFooterTable Parse(ReadOnlyMemory<byte> image, string fileName)
    {
        var entries = new Dictionary<Guid, ReadOnlyMemory<byte>>();
        long startOfFooterEntry = (long)image.Length - FooterDistanceFromEnd - EntryHeaderSize;
        var footer = PythonSlice.Of(image, startOfFooterEntry, null);
        if (footer.Length < EntryHeaderSize)
            throw Diag.Error(nameof(Strings.SnpFirmwareTooSmall), fileName, image.Length);
        if (ReadGuid(footer.Span[2..]) != OVMF_TABLE_FOOTER_GUID)
            return new OvmfFooterTable(entries);
        long tableSize = BinaryPrimitives.ReadUInt16LittleEndian(footer.Span) - EntryHeaderSize;
        if (tableSize < 0)
            return new OvmfFooterTable(entries);

        var table = PythonSlice.Of(image, startOfFooterEntry - tableSize, startOfFooterEntry);
        while (table.Length >= EntryHeaderSize)
        {
            var header = table.Span[^EntryHeaderSize..];
            int size = BinaryPrimitives.ReadUInt16LittleEndian(header);
            if (size < EntryHeaderSize)
                throw Diag.Error(nameof(Strings.SnpFooterEntrySizeInvalid), fileName, size);
            entries[ReadGuid(header[2..])] = PythonSlice.Of(table, -size, -EntryHeaderSize);
            table = PythonSlice.Of(table, null, -size);
        }
        return new OvmfFooterTable(entries);
    }

    /// <summary>The little-endian UINT32 at the start of an entry (shorter entries read as the bytes they have).</summary>
    public static uint ReadLeadingUInt32(ReadOnlyMemory<byte> data)
    {
        Span<byte> value = stackalloc byte[4];
        value.Clear();
        data.Span[..Math.Min(4, data.Length)].CopyTo(value);
        return BinaryPrimitives.ReadUInt32LittleEndian(value);
    }

    private static Guid ReadGuid(ReadOnlySpan<byte> bytes) => new(bytes[..16]);
}
