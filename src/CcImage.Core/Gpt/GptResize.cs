// Grows a GPT to the end of an enlarged device (UEFI 2.10 §5.3.2: the backup header must be in the last LBA and the
// backup entry array just before it; LastUsableLBA ends before that array). Optionally extends the last partition.
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;

namespace CcImage.Core.Gpt;

public static class GptResize
{
    /// <summary>
    /// After <paramref name="disk"/>'s virtual size was enlarged: writes the backup entry array and header at the new end,
    /// updates the primary header (AlternateLBA, LastUsableLBA, CRCs) and the protective MBR's size (keeping its boot
    /// code), and when <paramref name="extendLastPartition"/> moves the EndingLBA of the partition that ends last to the
    /// new LastUsableLBA. Running it again changes nothing. Throws CCIMG21xx when the disk has no valid GPT or is
    /// smaller than its GPT says.
    /// </summary>
    public static void GrowToEnd(IBlockDevice disk, bool extendLastPartition)
    {
        const string description = "the disk";
        var read = GptReader.Read(disk, description);
        var old = read.Table;
        long diskSectors = disk.Length / old.SectorSize;
        if (diskSectors < old.DiskSectors)
            throw Diag.Error(nameof(Strings.GptDiskShrunk), disk.Length, old.DiskSectors * (long)old.SectorSize);

        var sized = old.WithDiskSectors(diskSectors);
        var partitions = sized.Partitions.ToList();
        if (extendLastPartition && partitions.Count > 0)
        {
            var last = partitions.MaxBy(p => p.EndingLBA)!;
            if (last.EndingLBA < sized.LastUsableLBA)
                partitions[partitions.IndexOf(last)] = last with { EndingLBA = sized.LastUsableLBA };
        }
        var grown = old.WithDiskSectors(diskSectors, partitions);

        byte[] lba0 = new byte[old.SectorSize];
        disk.ReadAt(0, lba0);
        byte[] updatedLba0 = (byte[])lba0.Clone();
        bool protective = ProtectiveMbr.UpdateSize(updatedLba0, diskSectors);

        if (!read.FromBackup && IsCurrent(disk, grown) && lba0.AsSpan().SequenceEqual(updatedLba0))
            return;

        // Clear the old backup header (now inside the usable area) so no stale 'EFI PART' block remains there.
        if (old.LastLBA != grown.LastLBA && !read.FromBackup)
            disk.WriteAt(old.LastLBA * old.SectorSize, new byte[old.SectorSize]);
        grown.WriteTo(disk, writeProtectiveMbr: false);
        if (protective)
            disk.WriteAt(0, updatedLba0);
        disk.Flush();
    }

    /// <summary>Whether the device already holds exactly the headers and entry arrays <paramref name="table"/> would write.</summary>
    private static bool IsCurrent(IBlockDevice disk, GptTable table)
    {
        byte[] primary = table.BuildPrimaryRegion();
        byte[] onDisk = new byte[primary.Length];
        disk.ReadAt(0, onDisk);
        if (!primary.AsSpan(table.SectorSize).SequenceEqual(onDisk.AsSpan(table.SectorSize)))
            return false;
        byte[] backup = table.BuildBackupRegion();
        onDisk = new byte[backup.Length];
        disk.ReadAt(table.BackupRegionOffset, onDisk);
        return backup.AsSpan().SequenceEqual(onDisk);
    }
}
