// A GPT partition entry (UEFI 2.10 §5.3.3 "GPT Partition Entry Array", Table 5.6 "GPT Partition Entry"): type GUID,
// unique GUID, first and last LBA (inclusive), 64-bit attributes and a 36-character UTF-16LE name.
using System.Buffers.Binary;

namespace CcImage.Core.Gpt;

public sealed record GptPartitionEntry
{
    /// <summary>The entry size of revision 1.0 (SizeOfPartitionEntry may be larger: 128 × 2^n).</summary>
    public const int DefinedEntrySize = 128;

    /// <summary>PartitionName holds at most 36 UTF-16 code units (72 bytes).</summary>
    public const int MaxNameLength = 36;

    private const int PartitionTypeGUIDOffset = 0;
    private const int UniquePartitionGUIDOffset = 16;
    private const int StartingLBAOffset = 32;
    private const int EndingLBAOffset = 40;
    private const int AttributesOffset = 48;
    private const int PartitionNameOffset = 56;
    private const int PartitionNameSize = MaxNameLength * 2;

    /// <summary>The slot of this entry in the partition entry array (0-based; tools show it as number Index + 1).</summary>
    public int Index { get; init; }

    public Guid PartitionTypeGUID { get; init; }
    public Guid UniquePartitionGUID { get; init; }
    public long StartingLBA { get; init; }

    /// <summary>The last LBA of the partition, inclusive.</summary>
    public long EndingLBA { get; init; }

    public ulong Attributes { get; init; }
    public string PartitionName { get; init; } = "";

    /// <summary>The number of logical blocks the partition covers.</summary>
    public long SizeInLBA => EndingLBA - StartingLBA + 1;

    /// <summary>An all-zero PartitionTypeGUID marks an unused entry.</summary>
    public bool IsUnused => PartitionTypeGUID == Guid.Empty;

    /// <summary>Writes the entry into <paramref name="slot"/> (SizeOfPartitionEntry bytes, the rest zeroed).</summary>
    public void WriteTo(Span<byte> slot)
    {
        if (PartitionName.Length > MaxNameLength)
            throw new ArgumentException($"A GPT partition name holds at most {MaxNameLength} UTF-16 code units.");
        slot.Clear();
        EfiGuid.Write(PartitionTypeGUID, slot[PartitionTypeGUIDOffset..]);
        EfiGuid.Write(UniquePartitionGUID, slot[UniquePartitionGUIDOffset..]);
        BinaryPrimitives.WriteInt64LittleEndian(slot[StartingLBAOffset..], StartingLBA);
        BinaryPrimitives.WriteInt64LittleEndian(slot[EndingLBAOffset..], EndingLBA);
        BinaryPrimitives.WriteUInt64LittleEndian(slot[AttributesOffset..], Attributes);
        // UTF-16LE code unit by code unit, so a name read from disk (even one with an unpaired surrogate) is written back
        // with the same bytes.
        for (int i = 0; i < PartitionName.Length; i++)
            BinaryPrimitives.WriteUInt16LittleEndian(slot[(PartitionNameOffset + 2 * i)..], PartitionName[i]);
    }

    /// <summary>UTF-16LE code units as they are (an unpaired surrogate stays one, not U+FFFD).</summary>
    private static string DecodeName(ReadOnlySpan<byte> bytes)
    {
        var chars = new char[bytes.Length / 2];
        for (int i = 0; i < chars.Length; i++)
            chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
        return new string(chars);
    }

    /// <summary>Reads an entry from its slot.</summary>
    public static GptPartitionEntry Read(ReadOnlySpan<byte> slot, int index)
    {
        ReadOnlySpan<byte> name = slot.Slice(PartitionNameOffset, PartitionNameSize);
        int length = 0;
        while (length < PartitionNameSize && (name[length] | name[length + 1]) != 0)
            length += 2;
        return new GptPartitionEntry
        {
            Index = index,
            PartitionTypeGUID = EfiGuid.Read(slot[PartitionTypeGUIDOffset..]),
            UniquePartitionGUID = EfiGuid.Read(slot[UniquePartitionGUIDOffset..]),
            StartingLBA = BinaryPrimitives.ReadInt64LittleEndian(slot[StartingLBAOffset..]),
            EndingLBA = BinaryPrimitives.ReadInt64LittleEndian(slot[EndingLBAOffset..]),
            Attributes = BinaryPrimitives.ReadUInt64LittleEndian(slot[AttributesOffset..]),
            PartitionName = DecodeName(name[..length]),
        };
    }
}
