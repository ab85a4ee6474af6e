// The protective MBR in LBA 0 of a GPT disk (UEFI 2.10 §5.2.3 "Protective MBR", Table 5.4 "Protective MBR Partition
// Record"): one partition record of OSType 0xEE covering the disk from LBA 1, capped at 0xFFFFFFFF blocks. A hybrid MBR
// (gdisk's term: the 0xEE record beside up to three ordinary records that mirror GPT partitions) is recognised too.
using System.Buffers.Binary;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Gpt;

public static class ProtectiveMbr
{
    /// <summary>The legacy MBR occupies the first 512 bytes of LBA 0 whatever the block size.</summary>
    public const int MbrSize = 512;

    /// <summary>Offset of the first of the four 16-byte partition records.</summary>
    public const int PartitionRecordOffset = 446;

    /// <summary>Offset of the 0xAA55 signature.</summary>
    public const int SignatureOffset = 510;

    public const ushort Signature = 0xAA55;

    // MBR partition record fields (Table 5.4) and the record table's shape.
    private const int PartitionRecordSize = 16;
    private const int PartitionRecordCount = 4;
    private const int BootIndicator = 0;
    private const int StartingCHSOffset = 1;
    private const int OSTypeOffset = 4;
    private const int EndingCHSOffset = 5;
    private const int StartingLBAOffset = 8;
    private const int SizeInLBAOffset = 12;
    private const int CHSSize = 3;

    /// <summary>OSType of the protective partition ("GPT Protective").</summary>
    public const byte GptProtectiveOSType = 0xEE;

    /// <summary>SizeInLBA when the disk has more blocks than the 32-bit field can hold.</summary>
    public const uint MaxSizeInLBA = 0xFFFFFFFFu;

    // CHS conversion with the conventional translated geometry; beyond 1023 cylinders the field is 0xFFFFFF.
    private const int HeadsPerCylinder = 255;
    private const int SectorsPerTrack = 63;
    private const int MaxCylinder = 1023;
    private static readonly byte[] StartingCHS = [0x00, 0x02, 0x00];
    private static readonly byte[] UnrepresentableCHS = [0xFF, 0xFF, 0xFF];

    /// <summary>Writes the protective MBR for a disk of <paramref name="diskSectors"/> logical blocks into <paramref name="lba0"/>.</summary>
    public static void Write(Span<byte> lba0, long diskSectors)
    {
        lba0[..MbrSize].Clear();
        Span<byte> record = lba0.Slice(PartitionRecordOffset, PartitionRecordSize);
        record[BootIndicator] = 0;
        StartingCHS.CopyTo(record.Slice(StartingCHSOffset, CHSSize));
        record[OSTypeOffset] = GptProtectiveOSType;
        uint sizeInLba = (ulong)(diskSectors - 1) > MaxSizeInLBA ? MaxSizeInLBA : (uint)(diskSectors - 1);
        EncodeChs(diskSectors - 1, record.Slice(EndingCHSOffset, CHSSize)); // CHS of the last logical block
        BinaryPrimitives.WriteUInt32LittleEndian(record[StartingLBAOffset..], (uint)GptTable.PrimaryHeaderLBA);
        BinaryPrimitives.WriteUInt32LittleEndian(record[SizeInLBAOffset..], sizeInLba);
        BinaryPrimitives.WriteUInt16LittleEndian(lba0.Slice(SignatureOffset, 2), Signature);
    }

    /// <summary>Whether LBA 0 carries the MBR signature and a partition record of type 0xEE.</summary>
    public static bool IsProtective(ReadOnlySpan<byte> lba0)
    {
        if (BinaryPrimitives.ReadUInt16LittleEndian(lba0.Slice(SignatureOffset, 2)) != Signature)
            return false;
        for (int i = 0; i < PartitionRecordCount; i++)
            if (lba0[PartitionRecordOffset + i * PartitionRecordSize + OSTypeOffset] == GptProtectiveOSType)
                return true;
        return false;
    }

    /// <summary>
    /// Updates the size of the 0xEE record of an existing protective MBR for a disk of <paramref name="diskSectors"/>
    /// blocks, keeping the boot code and everything else. Returns false (and changes nothing) when LBA 0 is not a
    /// protective MBR.
    /// </summary>
    public static bool UpdateSize(Span<byte> lba0, long diskSectors)
    {
        if (BinaryPrimitives.ReadUInt16LittleEndian(lba0.Slice(SignatureOffset, 2)) != Signature)
            return false;
        for (int i = 0; i < PartitionRecordCount; i++)
        {
            Span<byte> record = lba0.Slice(PartitionRecordOffset + i * PartitionRecordSize, PartitionRecordSize);
            if (record[OSTypeOffset] != GptProtectiveOSType)
                continue;
            uint start = BinaryPrimitives.ReadUInt32LittleEndian(record[StartingLBAOffset..]);
            long size = diskSectors - start;
            uint sizeInLba = (ulong)size > MaxSizeInLBA ? MaxSizeInLBA : (uint)size;
            EncodeChs(diskSectors - 1, record.Slice(EndingCHSOffset, CHSSize));
            BinaryPrimitives.WriteUInt32LittleEndian(record[SizeInLBAOffset..], sizeInLba);
            return true;
        }
        return false;
    }

    /// <summary>
    /// The MBR to write when the disk grows from <paramref name="oldDiskSectors"/> to <paramref name="newDiskSectors"/>
    /// logical blocks, or null when LBA 0 stays as it is. A protective MBR (one 0xEE record) is stretched to the new end.
    /// In a hybrid MBR the ordinary records keep their place and the 0xEE record grows only when it reached the old end.
    /// Records that overlap or run past the old end are CCIMG2507. An LBA 0 without the MBR signature or without a
    /// 0xEE record is left alone.
    /// </summary>
    public static byte[]? PlanGrowth(ReadOnlySpan<byte> lba0, long oldDiskSectors, long newDiskSectors, string description)
    {
        if (BinaryPrimitives.ReadUInt16LittleEndian(lba0.Slice(SignatureOffset, 2)) != Signature)
            return null;
        var records = new List<(int Slot, byte Type, long Start, long Size)>();
        for (int i = 0; i < PartitionRecordCount; i++)
        {
            var record = lba0.Slice(PartitionRecordOffset + i * PartitionRecordSize, PartitionRecordSize);
            byte type = record[OSTypeOffset];
            if (type != 0)
                records.Add((i, type, BinaryPrimitives.ReadUInt32LittleEndian(record[StartingLBAOffset..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(record[SizeInLBAOffset..])));
        }
        var protective = records.Where(r => r.Type == GptProtectiveOSType).ToList();
        if (protective.Count == 0)
            return null;
        if (protective.Count > 1)
            throw Diag.Error(nameof(Strings.MbrInvalid), description, $"it has {protective.Count} records of type 0xEE");
        var ee = protective[0];
        bool hybrid = records.Count > 1;
        if (hybrid)
        {
            foreach (var r in records)
            {
                if (r.Size == 0 || r.Start == 0)
                    throw Diag.Error(nameof(Strings.MbrInvalid), description, $"record {r.Slot + 1} (type 0x{r.Type:X2}) starts at LBA {r.Start} with {r.Size} blocks");
                if (r.Start + r.Size > oldDiskSectors && r.Size != MaxSizeInLBA)
                    throw Diag.Error(nameof(Strings.MbrInvalid), description,
                        $"record {r.Slot + 1} (type 0x{r.Type:X2}) ends at LBA {r.Start + r.Size - 1}, past the disk's last LBA {oldDiskSectors - 1}");
            }
            var ordered = records.OrderBy(r => r.Start).ToList();
            for (int i = 1; i < ordered.Count; i++)
                if (ordered[i].Start < ordered[i - 1].Start + ordered[i - 1].Size)
                    throw Diag.Error(nameof(Strings.MbrInvalid), description,
                        $"records {ordered[i - 1].Slot + 1} and {ordered[i].Slot + 1} overlap");
            bool reachedEnd = ee.Start + ee.Size == oldDiskSectors || ee.Size == MaxSizeInLBA;
            if (!reachedEnd)
                return null;
        }
        else if (ee.Start != GptTable.PrimaryHeaderLBA)
        {
            throw Diag.Error(nameof(Strings.MbrInvalid), description, $"its 0xEE record starts at LBA {ee.Start}, not 1");
        }
        byte[] updated = lba0[..MbrSize].ToArray();
        Span<byte> eeRecord = updated.AsSpan(PartitionRecordOffset + ee.Slot * PartitionRecordSize, PartitionRecordSize);
        long size = newDiskSectors - ee.Start;
        BinaryPrimitives.WriteUInt32LittleEndian(eeRecord[SizeInLBAOffset..], (ulong)size > MaxSizeInLBA ? MaxSizeInLBA : (uint)size);
        EncodeChs(newDiskSectors - 1, eeRecord.Slice(EndingCHSOffset, CHSSize));
        return updated;
    }

    private static void EncodeChs(long lba, Span<byte> chs)
    {
        long cylinder = lba / (HeadsPerCylinder * SectorsPerTrack);
        if (cylinder > MaxCylinder)
        {
            UnrepresentableCHS.CopyTo(chs);
            return;
        }
        int head = (int)(lba / SectorsPerTrack % HeadsPerCylinder);
        int sector = (int)(lba % SectorsPerTrack) + 1;
        chs[0] = (byte)head;
        chs[1] = (byte)(sector | (int)((cylinder >> 8) & 0x3) << 6);
        chs[2] = (byte)(cylinder & 0xFF);
    }
}
