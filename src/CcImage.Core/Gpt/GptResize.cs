// Grows a GPT to the end of an enlarged device (UEFI 2.10 §5.3.2: the backup header must be in the last LBA and the
// backup entry array just before it; LastUsableLBA ends before that array). Optionally extends the last partition.
//
// Planned first, written second: Plan reads and cross-checks everything it will touch — both headers against each
// other, the entry arrays, the MBR (protective or hybrid, §5.2.3 and Table 5.4) — and returns the exact blocks to
// write, so a caller can check them (and start an undo journal) before the first byte changes. The new copies are
// built from the raw bytes on disk with only the fields that move patched (AlternateLBA, LastUsableLBA, the backup's
// MyLBA and PartitionEntryLBA, the extended EndingLBA, the CRCs), so names, reserved bytes and entries it does not
// touch keep their bytes exactly.
using System.Buffers.Binary;
using System.IO.Hashing;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;

namespace CcImage.Core.Gpt;

public static class GptResize
{
    // Header field offsets (UEFI 2.10 Table 5.5) patched when a copy moves.
    private const int HeaderCRC32Offset = 16;
    private const int MyLBAOffset = 24;
    private const int AlternateLBAOffset = 32;
    private const int LastUsableLBAOffset = 48;
    private const int PartitionEntryLBAOffset = 72;
    private const int PartitionEntryArrayCRC32Offset = 88;

    /// <summary>EndingLBA within a partition entry (Table 5.6).</summary>
    private const int EndingLBAOffset = 40;

    /// <summary>
    /// After <paramref name="disk"/>'s virtual size was enlarged: writes the backup entry array and header at the new end,
    /// updates the primary header (AlternateLBA, LastUsableLBA, CRCs) and the protective MBR's size (keeping its boot
    /// code), and when <paramref name="extendLastPartition"/> moves the EndingLBA of the partition that ends last to the
    /// new LastUsableLBA. Running it again changes nothing. Throws CCIMG21xx/25xx, before writing, when the disk has no
    /// valid GPT, the two headers disagree, or the MBR is damaged.
    /// </summary>
    public static void GrowToEnd(IBlockDevice disk, bool extendLastPartition)
    {
        var writes = Plan(disk, disk.Length, extendLastPartition, "the disk");
        Apply(disk, writes);
    }

    /// <summary>Writes planned blocks in order and flushes (nothing when the plan is empty).</summary>
    public static void Apply(IBlockDevice disk, IReadOnlyList<DiskWrite> writes)
    {
        if (writes.Count == 0)
            return;
        foreach (var w in writes)
            disk.WriteAt(w.Offset, w.Bytes);
        disk.Flush();
    }

    /// <summary>
    /// The blocks to write so that the GPT of <paramref name="disk"/> fits a disk of <paramref name="newLength"/> bytes
    /// (the disk itself may still be smaller: offsets past its end are where the new backup goes). Reads only; empty
    /// when the disk already holds exactly that. <paramref name="description"/> names the disk in errors.
    /// </summary>
    public static IReadOnlyList<DiskWrite> Plan(IBlockDevice disk, long newLength, bool extendLastPartition, string description)
    {
        var read = GptReader.Read(disk, description);
        int sectorSize = read.Table.SectorSize;
        var source = CrossCheck(disk, read, description);
        var old = source.Table;
        long oldBackupLBA = read.FromBackup ? source.Header.MyLBA : source.Header.AlternateLBA;
        long oldDiskSectors = oldBackupLBA + 1;
        long diskSectors = newLength / sectorSize;
        if (diskSectors < oldDiskSectors)
            throw Diag.Error(nameof(Strings.GptDiskShrunk), newLength, oldDiskSectors * sectorSize);

        var sized = old.WithDiskSectors(diskSectors);
        byte[] entries = (byte[])source.EntryArray.Clone();
        if (extendLastPartition && sized.Partitions.Count > 0)
        {
            var last = sized.Partitions.MaxBy(p => p.EndingLBA)!;
            if (last.EndingLBA < sized.LastUsableLBA)
                BinaryPrimitives.WriteInt64LittleEndian(entries.AsSpan(last.Index * sized.SizeOfPartitionEntry + EndingLBAOffset), sized.LastUsableLBA);
        }
        // Validates the grown table (entries in the usable range, no overlaps) before anything is planned.
        var grownEntries = new List<GptPartitionEntry>();
        for (int i = 0; i < sized.NumberOfPartitionEntries; i++)
        {
            var e = GptPartitionEntry.Read(entries.AsSpan(i * sized.SizeOfPartitionEntry, GptPartitionEntry.DefinedEntrySize), i);
            if (!e.IsUnused)
                grownEntries.Add(e);
        }
        var grown = old.WithDiskSectors(diskSectors, grownEntries);

        long arrayBytes = (long)grown.NumberOfPartitionEntries * grown.SizeOfPartitionEntry;
        uint arrayCrc = Crc32.HashToUInt32(entries.AsSpan(0, (int)arrayBytes));
        byte[] primaryHeader = PatchHeader(source.Block, (int)source.Header.HeaderSize, GptTable.PrimaryHeaderLBA, grown.LastLBA,
            grown.PartitionEntryLBA, grown.LastUsableLBA, arrayCrc);
        byte[] backupHeader = PatchHeader(source.Block, (int)source.Header.HeaderSize, grown.LastLBA, GptTable.PrimaryHeaderLBA,
            grown.BackupPartitionEntryLBA, grown.LastUsableLBA, arrayCrc);

        var writes = new List<DiskWrite>();
        // Backup first (entries, then header), then the primary, then the stale old backup header and entries, then the MBR.
        AddIfChanged(disk, writes, grown.BackupPartitionEntryLBA * sectorSize, entries);
        AddIfChanged(disk, writes, grown.LastLBA * sectorSize, backupHeader);
        AddIfChanged(disk, writes, grown.PartitionEntryLBA * sectorSize, entries);
        AddIfChanged(disk, writes, GptTable.PrimaryHeaderLBA * sectorSize, primaryHeader);
        if (oldBackupLBA != grown.LastLBA)
        {
            // No stale 'EFI PART' inside the usable area, nor the stale entry array before it (only where the old table kept
            // it outside every partition): the partition extended over them (one formatted at boot) must read as zeros.
            AddIfChanged(disk, writes, oldBackupLBA * sectorSize, new byte[sectorSize]);
            long oldArrayLBA = oldBackupLBA - (arrayBytes + sectorSize - 1) / sectorSize;
            if (oldArrayLBA > old.LastUsableLBA && oldArrayLBA < grown.BackupPartitionEntryLBA)
                AddIfChanged(disk, writes, oldArrayLBA * sectorSize, new byte[arrayBytes]);
        }
        byte[] lba0 = new byte[ProtectiveMbr.MbrSize];
        disk.ReadAt(0, lba0);
        byte[]? mbr = ProtectiveMbr.PlanGrowth(lba0, oldDiskSectors, diskSectors, description);
        if (mbr != null)
            AddIfChanged(disk, writes, 0, mbr);
        return writes;
    }

    /// <summary>
    /// The copy to rebuild from. With a valid primary, the backup it points to must be valid and agree with it (or be
    /// missing altogether, then the primary alone is the table); a backup found elsewhere, or one that disagrees, is
    /// CCIMG2506. With a damaged primary, the valid backup is used.
    /// </summary>
    private static GptReader.Copy CrossCheck(IBlockDevice disk, GptReadResult read, string description)
    {
        int sectorSize = read.Table.SectorSize;
        long diskSectors = disk.Length / sectorSize;
        if (read.FromBackup)
            return GptReader.TryReadCopyAt(disk, description, sectorSize, read.Header.MyLBA, out string? backupError)
                ?? throw Diag.Error(nameof(Strings.GptHeadersDisagree), description, backupError);

        var primary = GptReader.TryReadCopyAt(disk, description, sectorSize, GptTable.PrimaryHeaderLBA, out string? primaryError)
            ?? throw Diag.Error(nameof(Strings.GptHeadersDisagree), description, primaryError);
        var p = primary.Header;
        var backup = GptReader.TryReadCopyAt(disk, description, sectorSize, p.AlternateLBA, out _);
        if (backup == null)
        {
            if (p.AlternateLBA != diskSectors - 1
                && GptReader.TryReadCopyAt(disk, description, sectorSize, diskSectors - 1, out _) is { } atEnd)
                throw Diag.Error(nameof(Strings.GptHeadersDisagree), description,
                    $"the primary header's AlternateLBA is {p.AlternateLBA}, but the backup header is at LBA {atEnd.Header.MyLBA}");
            return primary; // no valid backup anywhere: it is rebuilt from the primary
        }
        var b = backup.Header;
        string? why =
            b.AlternateLBA != GptTable.PrimaryHeaderLBA ? $"the backup header's AlternateLBA is {b.AlternateLBA}, not 1"
            : b.DiskGUID != p.DiskGUID ? $"DiskGUID {p.DiskGUID} differs from the backup's {b.DiskGUID}"
            : b.FirstUsableLBA != p.FirstUsableLBA || b.LastUsableLBA != p.LastUsableLBA
                ? $"the usable LBAs {p.FirstUsableLBA}-{p.LastUsableLBA} differ from the backup's {b.FirstUsableLBA}-{b.LastUsableLBA}"
            : b.NumberOfPartitionEntries != p.NumberOfPartitionEntries || b.SizeOfPartitionEntry != p.SizeOfPartitionEntry
                ? $"the entry arrays have different shapes ({p.NumberOfPartitionEntries}×{p.SizeOfPartitionEntry} and {b.NumberOfPartitionEntries}×{b.SizeOfPartitionEntry})"
            : b.PartitionEntryArrayCRC32 != p.PartitionEntryArrayCRC32 ? "the two partition entry arrays differ"
            : null;
        if (why != null)
            throw Diag.Error(nameof(Strings.GptHeadersDisagree), description, why);
        return primary;
    }

    private static byte[] PatchHeader(byte[] source, int headerSize, long myLBA, long alternateLBA, long partitionEntryLBA,
        long lastUsableLBA, uint arrayCrc)
    {
        byte[] block = (byte[])source.Clone();
        var span = block.AsSpan();
        BinaryPrimitives.WriteInt64LittleEndian(span[MyLBAOffset..], myLBA);
        BinaryPrimitives.WriteInt64LittleEndian(span[AlternateLBAOffset..], alternateLBA);
        BinaryPrimitives.WriteInt64LittleEndian(span[LastUsableLBAOffset..], lastUsableLBA);
        BinaryPrimitives.WriteInt64LittleEndian(span[PartitionEntryLBAOffset..], partitionEntryLBA);
        BinaryPrimitives.WriteUInt32LittleEndian(span[PartitionEntryArrayCRC32Offset..], arrayCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(span[HeaderCRC32Offset..], GptHeader.ComputeHeaderCRC32(block, headerSize));
        return block;
    }

    private static void AddIfChanged(IBlockDevice disk, List<DiskWrite> writes, long offset, byte[] bytes)
    {
        if (offset + bytes.Length <= disk.Length)
        {
            byte[] current = new byte[bytes.Length];
            disk.ReadAt(offset, current);
            if (current.AsSpan().SequenceEqual(bytes))
                return;
        }
        writes.Add(new DiskWrite(offset, bytes));
    }
}
