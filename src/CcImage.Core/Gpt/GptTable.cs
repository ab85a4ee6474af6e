// A whole GUID Partition Table (UEFI 2.10 §5.3 "GUID Partition Table (GPT) Disk Layout", Figure 5.2 and Table 5.2
// "GPT Disk Layout"): protective MBR at LBA 0, primary header at LBA 1, primary entry array from PartitionEntryLBA,
// backup entry array just before the backup header in the last LBA. Builds the on-disk bytes of both copies.
using System.IO.Hashing;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;

namespace CcImage.Core.Gpt;

public sealed class GptTable
{
    /// <summary>The logical block sizes we write and read.</summary>
    public static readonly IReadOnlyList<int> SupportedSectorSizes = [512, 4096];

    /// <summary>The number of entries we allocate, the spec's minimum array size of 16,384 bytes at 128 bytes each.</summary>
    public const int DefaultNumberOfPartitionEntries = 128;

    /// <summary>The primary header's LBA.</summary>
    public const long PrimaryHeaderLBA = 1;

    /// <summary>The primary entry array starts right after the primary header.</summary>
    public const long DefaultPartitionEntryLBA = 2;

    public GptTable(int sectorSize, long diskSectors, Guid diskGuid, IEnumerable<GptPartitionEntry> partitions,
        int numberOfPartitionEntries = DefaultNumberOfPartitionEntries, int sizeOfPartitionEntry = GptPartitionEntry.DefinedEntrySize,
        long partitionEntryLBA = DefaultPartitionEntryLBA, long? firstUsableLBA = null, long? lastUsableLBA = null)
    {
        if (!SupportedSectorSizes.Contains(sectorSize))
            throw Diag.Error(nameof(Strings.GptSectorSizeUnsupported), sectorSize);
        SectorSize = sectorSize;
        DiskSectors = diskSectors;
        DiskGUID = diskGuid;
        NumberOfPartitionEntries = numberOfPartitionEntries;
        SizeOfPartitionEntry = sizeOfPartitionEntry;
        PartitionEntryLBA = partitionEntryLBA;
        FirstUsableLBA = firstUsableLBA ?? partitionEntryLBA + EntryArraySectors;
        LastUsableLBA = lastUsableLBA ?? LastLBA - 1 - EntryArraySectors;
        Partitions = partitions.OrderBy(p => p.Index).ToList();
        if (LastUsableLBA < FirstUsableLBA)
            throw Diag.Error(nameof(Strings.GptDiskTooSmall), diskSectors * (long)sectorSize, (FirstUsableLBA + EntryArraySectors + 2) * sectorSize);
        Validate();
    }

    public int SectorSize { get; }

    /// <summary>The number of logical blocks of the disk.</summary>
    public long DiskSectors { get; }

    /// <summary>The last LBA of the disk, where the backup header lives.</summary>
    public long LastLBA => DiskSectors - 1;

    public Guid DiskGUID { get; }
    public int NumberOfPartitionEntries { get; }
    public int SizeOfPartitionEntry { get; }

    /// <summary>The primary entry array's first LBA.</summary>
    public long PartitionEntryLBA { get; }

    public long FirstUsableLBA { get; }
    public long LastUsableLBA { get; }

    /// <summary>The used entries, by slot.</summary>
    public IReadOnlyList<GptPartitionEntry> Partitions { get; }

    /// <summary>The size of the entry array rounded up to whole blocks.</summary>
    public long EntryArraySectors => (EntryArrayBytes + SectorSize - 1) / SectorSize;

    private long EntryArrayBytes => (long)NumberOfPartitionEntries * SizeOfPartitionEntry;

    /// <summary>The backup entry array's first LBA.</summary>
    public long BackupPartitionEntryLBA => LastLBA - EntryArraySectors;

    /// <summary>The byte length of the region at the start of the disk our GPT writes (MBR, header, entry array).</summary>
    public long PrimaryRegionLength => (PartitionEntryLBA + EntryArraySectors) * SectorSize;

    /// <summary>The byte offset of the backup entry array; the backup region runs from here to the end of the disk.</summary>
    public long BackupRegionOffset => BackupPartitionEntryLBA * SectorSize;

    /// <summary>The partition entry array, every slot (unused ones zero).</summary>
    public byte[] BuildEntryArray()
    {
        var array = new byte[EntryArraySectors * SectorSize];
        foreach (var p in Partitions)
            p.WriteTo(array.AsSpan(p.Index * SizeOfPartitionEntry, SizeOfPartitionEntry));
        return array;
    }

    /// <summary>LBA 0 up to the end of the primary entry array: protective MBR, primary header, entries.</summary>
    public byte[] BuildPrimaryRegion()
    {
        byte[] entries = BuildEntryArray();
        var region = new byte[PrimaryRegionLength];
        ProtectiveMbr.Write(region.AsSpan(0, SectorSize), DiskSectors);
        Header(primary: true, entries).WriteTo(region.AsSpan((int)(PrimaryHeaderLBA * SectorSize), SectorSize));
        entries.CopyTo(region.AsSpan((int)(PartitionEntryLBA * SectorSize)));
        return region;
    }

    /// <summary>The backup entry array followed by the backup header (the last LBA).</summary>
    public byte[] BuildBackupRegion()
    {
        byte[] entries = BuildEntryArray();
        var region = new byte[(EntryArraySectors + 1) * SectorSize];
        entries.CopyTo(region, 0);
        Header(primary: false, entries).WriteTo(region.AsSpan(entries.Length, SectorSize));
        return region;
    }

    /// <summary>
    /// Writes both copies to <paramref name="device"/>: backup first, then the primary, then flushes. With
    /// <paramref name="writeProtectiveMbr"/> false, LBA 0 is left alone (callers that keep an existing boot code).
    /// </summary>
    public void WriteTo(IBlockDevice device, bool writeProtectiveMbr = true)
    {
        if (device.Length / SectorSize < DiskSectors)
            throw Diag.Error(nameof(Strings.GptDiskTooSmall), device.Length, DiskSectors * (long)SectorSize);
        device.WriteAt(BackupRegionOffset, BuildBackupRegion());
        byte[] primary = BuildPrimaryRegion();
        int from = writeProtectiveMbr ? 0 : SectorSize;
        device.WriteAt(from, primary.AsSpan(from));
        device.Flush();
    }

    /// <summary>The primary or backup header for this table.</summary>
    public GptHeader Header(bool primary, ReadOnlySpan<byte> entryArray) => new()
    {
        MyLBA = primary ? PrimaryHeaderLBA : LastLBA,
        AlternateLBA = primary ? LastLBA : PrimaryHeaderLBA,
        FirstUsableLBA = FirstUsableLBA,
        LastUsableLBA = LastUsableLBA,
        DiskGUID = DiskGUID,
        PartitionEntryLBA = primary ? PartitionEntryLBA : BackupPartitionEntryLBA,
        NumberOfPartitionEntries = (uint)NumberOfPartitionEntries,
        SizeOfPartitionEntry = (uint)SizeOfPartitionEntry,
        PartitionEntryArrayCRC32 = Crc32.HashToUInt32(entryArray[..(int)EntryArrayBytes]),
    };

    /// <summary>A copy with another disk size (same entries, usable range ending before the new backup).</summary>
    public GptTable WithDiskSectors(long diskSectors, IEnumerable<GptPartitionEntry>? partitions = null) =>
        new(SectorSize, diskSectors, DiskGUID, partitions ?? Partitions, NumberOfPartitionEntries, SizeOfPartitionEntry,
            PartitionEntryLBA, FirstUsableLBA);

    private void Validate()
    {
        if (Partitions.Count > NumberOfPartitionEntries)
            throw Diag.Error(nameof(Strings.GptTooManyPartitions), Partitions.Count, NumberOfPartitionEntries);
        foreach (var p in Partitions)
        {
            if (p.Index < 0 || p.Index >= NumberOfPartitionEntries)
                throw Diag.Error(nameof(Strings.GptTooManyPartitions), p.Index + 1, NumberOfPartitionEntries);
            if (p.IsUnused)
                throw Diag.Error(nameof(Strings.GptEntryInvalid), p.Index + 1, "its PartitionTypeGUID is all zeros (unused)");
            if (p.PartitionName.Length > GptPartitionEntry.MaxNameLength)
                throw Diag.Error(nameof(Strings.GptEntryInvalid), p.Index + 1, $"its name is longer than {GptPartitionEntry.MaxNameLength} UTF-16 code units");
            if (p.StartingLBA > p.EndingLBA || p.StartingLBA < FirstUsableLBA || p.EndingLBA > LastUsableLBA)
                throw Diag.Error(nameof(Strings.GptEntryInvalid), p.Index + 1,
                    $"LBA {p.StartingLBA}-{p.EndingLBA} is not within the usable LBAs {FirstUsableLBA}-{LastUsableLBA}");
        }
        if (Partitions.Select(p => p.Index).Distinct().Count() != Partitions.Count)
            throw Diag.Error(nameof(Strings.GptEntryInvalid), 0, "two partitions use the same entry slot");
        GptValidation.CheckOverlaps(Partitions);
    }
}
