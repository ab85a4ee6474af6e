// The GPT header (UEFI 2.10 §5.3.2 "GPT Header", Table 5.5), in LBA 1 (primary) and the last LBA (backup).
// Field names follow the spec. Little-endian; HeaderCRC32 covers HeaderSize bytes with the CRC field zeroed.
using System.IO.Hashing;
using System.Buffers.Binary;

namespace CcImage.Core.Gpt;

public sealed record GptHeader
{
    /// <summary>"EFI PART" as a little-endian 64-bit value.</summary>
    public const ulong EfiPartSignature = 0x5452415020494645UL;

    /// <summary>Revision 1.0.</summary>
    public const uint Revision1_0 = 0x00010000u;

    /// <summary>The size of the header structure defined by revision 1.0.</summary>
    public const int DefinedHeaderSize = 92;

    // Field offsets (Table 5.5).
    private const int SignatureOffset = 0;
    private const int RevisionOffset = 8;
    private const int HeaderSizeOffset = 12;
    private const int HeaderCRC32Offset = 16;
    private const int MyLBAOffset = 24;
    private const int AlternateLBAOffset = 32;
    private const int FirstUsableLBAOffset = 40;
    private const int LastUsableLBAOffset = 48;
    private const int DiskGUIDOffset = 56;
    private const int PartitionEntryLBAOffset = 72;
    private const int NumberOfPartitionEntriesOffset = 80;
    private const int SizeOfPartitionEntryOffset = 84;
    private const int PartitionEntryArrayCRC32Offset = 88;

    public ulong Signature { get; init; } = EfiPartSignature;
    public uint Revision { get; init; } = Revision1_0;
    public uint HeaderSize { get; init; } = DefinedHeaderSize;
    public uint HeaderCRC32 { get; init; }
    public long MyLBA { get; init; }
    public long AlternateLBA { get; init; }
    public long FirstUsableLBA { get; init; }
    public long LastUsableLBA { get; init; }
    public Guid DiskGUID { get; init; }
    public long PartitionEntryLBA { get; init; }
    public uint NumberOfPartitionEntries { get; init; }
    public uint SizeOfPartitionEntry { get; init; }
    public uint PartitionEntryArrayCRC32 { get; init; }

    /// <summary>Writes the header into <paramref name="block"/> (one logical block, the rest zeroed), computing HeaderCRC32.</summary>
    public void WriteTo(Span<byte> block)
    {
        block.Clear();
        BinaryPrimitives.WriteUInt64LittleEndian(block[SignatureOffset..], Signature);
        BinaryPrimitives.WriteUInt32LittleEndian(block[RevisionOffset..], Revision);
        BinaryPrimitives.WriteUInt32LittleEndian(block[HeaderSizeOffset..], DefinedHeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(block[MyLBAOffset..], MyLBA);
        BinaryPrimitives.WriteInt64LittleEndian(block[AlternateLBAOffset..], AlternateLBA);
        BinaryPrimitives.WriteInt64LittleEndian(block[FirstUsableLBAOffset..], FirstUsableLBA);
        BinaryPrimitives.WriteInt64LittleEndian(block[LastUsableLBAOffset..], LastUsableLBA);
        EfiGuid.Write(DiskGUID, block[DiskGUIDOffset..]);
        BinaryPrimitives.WriteInt64LittleEndian(block[PartitionEntryLBAOffset..], PartitionEntryLBA);
        BinaryPrimitives.WriteUInt32LittleEndian(block[NumberOfPartitionEntriesOffset..], NumberOfPartitionEntries);
        BinaryPrimitives.WriteUInt32LittleEndian(block[SizeOfPartitionEntryOffset..], SizeOfPartitionEntry);
        BinaryPrimitives.WriteUInt32LittleEndian(block[PartitionEntryArrayCRC32Offset..], PartitionEntryArrayCRC32);
        uint crc = Crc32.HashToUInt32(block[..DefinedHeaderSize]);
        BinaryPrimitives.WriteUInt32LittleEndian(block[HeaderCRC32Offset..], crc);
    }

    /// <summary>Reads the fields of a header block without validating them.</summary>
    public static GptHeader Read(ReadOnlySpan<byte> block) => new()
    {
        Signature = BinaryPrimitives.ReadUInt64LittleEndian(block[SignatureOffset..]),
        Revision = BinaryPrimitives.ReadUInt32LittleEndian(block[RevisionOffset..]),
        HeaderSize = BinaryPrimitives.ReadUInt32LittleEndian(block[HeaderSizeOffset..]),
        HeaderCRC32 = BinaryPrimitives.ReadUInt32LittleEndian(block[HeaderCRC32Offset..]),
        MyLBA = BinaryPrimitives.ReadInt64LittleEndian(block[MyLBAOffset..]),
        AlternateLBA = BinaryPrimitives.ReadInt64LittleEndian(block[AlternateLBAOffset..]),
        FirstUsableLBA = BinaryPrimitives.ReadInt64LittleEndian(block[FirstUsableLBAOffset..]),
        LastUsableLBA = BinaryPrimitives.ReadInt64LittleEndian(block[LastUsableLBAOffset..]),
        DiskGUID = EfiGuid.Read(block[DiskGUIDOffset..]),
        PartitionEntryLBA = BinaryPrimitives.ReadInt64LittleEndian(block[PartitionEntryLBAOffset..]),
        NumberOfPartitionEntries = BinaryPrimitives.ReadUInt32LittleEndian(block[NumberOfPartitionEntriesOffset..]),
        SizeOfPartitionEntry = BinaryPrimitives.ReadUInt32LittleEndian(block[SizeOfPartitionEntryOffset..]),
        PartitionEntryArrayCRC32 = BinaryPrimitives.ReadUInt32LittleEndian(block[PartitionEntryArrayCRC32Offset..]),
    };

    /// <summary>The CRC32 of the first HeaderSize bytes of <paramref name="block"/> with the HeaderCRC32 field taken as zero.</summary>
    public static uint ComputeHeaderCRC32(ReadOnlySpan<byte> block, int headerSize)
    {
        byte[] copy = block[..headerSize].ToArray();
        copy.AsSpan(HeaderCRC32Offset, sizeof(uint)).Clear();
        return Crc32.HashToUInt32(copy);
    }
}
