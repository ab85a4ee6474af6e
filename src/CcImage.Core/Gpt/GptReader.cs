// Reads and validates a GPT from a block device (UEFI 2.10 §5.3.2 "GPT Header" validation rules: signature, HeaderCRC32,
// MyLBA, PartitionEntryArrayCRC32; §5.3.3 entries within FirstUsableLBA..LastUsableLBA and not overlapping).
// Tries logical block sizes 512 and 4096; when the primary copy is damaged, falls back to the backup header.
using System.Globalization;
using System.IO.Hashing;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;

namespace CcImage.Core.Gpt;

public static class GptReader
{
    /// <summary>The largest entry array we accept (the spec sets no limit; real tables use 16 KiB).</summary>
    public const long MaxEntryArrayBytes = 4L << 20;

    private const uint RevisionMajorMask = 0xFFFF0000u;

    /// <summary>
    /// Reads the GPT of <paramref name="device"/>; <paramref name="description"/> names the device in errors.
    /// Throws a CCIMG21xx error when neither copy is valid.
    /// </summary>
    public static GptReadResult Read(IBlockDevice device, string description)
    {
        foreach (int sectorSize in GptTable.SupportedSectorSizes)
        {
            long diskSectors = device.Length / sectorSize;
            if (diskSectors < 3)
                continue;
            byte[] block = new byte[sectorSize];
            device.ReadAt(GptTable.PrimaryHeaderLBA * sectorSize, block);
            if (GptHeader.Read(block).Signature != GptHeader.EfiPartSignature)
                continue;
            try
            {
                return new GptReadResult(ReadCopy(device, description, sectorSize, GptTable.PrimaryHeaderLBA, block, out var header),
                    header, false, null);
            }
            catch (CcImageException primaryError)
            {
                var backup = TryBackup(device, description, sectorSize, GptHeader.Read(block).AlternateLBA);
                if (backup != null)
                    return backup with { PrimaryError = primaryError.ToString() };
                throw;
            }
        }
        foreach (int sectorSize in GptTable.SupportedSectorSizes)
        {
            var backup = TryBackup(device, description, sectorSize, null);
            if (backup != null)
                return backup with { PrimaryError = Diag.Format(nameof(Strings.GptNoSignature), description).Text };
        }
        throw Diag.Error(nameof(Strings.GptNoSignature), description);
    }

    private static GptReadResult? TryBackup(IBlockDevice device, string description, int sectorSize, long? alternateLBA)
    {
        long diskSectors = device.Length / sectorSize;
        var candidates = new List<long> { diskSectors - 1 };
        if (alternateLBA is { } alt && alt > GptTable.PrimaryHeaderLBA && alt < diskSectors && alt != diskSectors - 1)
            candidates.Insert(0, alt);
        foreach (long lba in candidates)
        {
            if (lba <= GptTable.PrimaryHeaderLBA)
                continue;
            byte[] block = new byte[sectorSize];
            device.ReadAt(lba * sectorSize, block);
            if (GptHeader.Read(block).Signature != GptHeader.EfiPartSignature)
                continue;
            try
            {
                return new GptReadResult(ReadCopy(device, description, sectorSize, lba, block, out var header), header, true, null);
            }
            catch (CcImageException)
            {
                // this candidate is damaged too; try the next
            }
        }
        return null;
    }

    /// <summary>One validated copy of the GPT: its table, header, raw header block and raw entry array (whole blocks).</summary>
    internal sealed record Copy(GptTable Table, GptHeader Header, byte[] Block, byte[] EntryArray);

    /// <summary>Reads and validates the copy whose header is at <paramref name="lba"/>; null (and why) when it is not valid.</summary>
    internal static Copy? TryReadCopyAt(IBlockDevice device, string description, int sectorSize, long lba, out string? error)
    {
        error = null;
        if (lba < GptTable.PrimaryHeaderLBA || lba >= device.Length / sectorSize)
        {
            error = $"LBA {lba} is not on the disk";
            return null;
        }
        byte[] block = new byte[sectorSize];
        device.ReadAt(lba * sectorSize, block);
        try
        {
            var table = ReadCopy(device, description, sectorSize, lba, block, out var header, out byte[] array);
            return new Copy(table, header, block, array);
        }
        catch (CcImageException e)
        {
            error = e.ToString();
            return null;
        }
    }

    private static GptTable ReadCopy(IBlockDevice device, string description, int sectorSize, long myLBA, byte[] block,
        out GptHeader header) => ReadCopy(device, description, sectorSize, myLBA, block, out header, out _);

    private static GptTable ReadCopy(IBlockDevice device, string description, int sectorSize, long myLBA, byte[] block,
        out GptHeader header, out byte[] array)
    {
        long diskSectors = device.Length / sectorSize;
        header = GptHeader.Read(block);
        var h = header;
        if (h.Signature != GptHeader.EfiPartSignature)
            throw Diag.Error(nameof(Strings.GptNoSignature), description);
        if (h.HeaderSize < GptHeader.DefinedHeaderSize || h.HeaderSize > sectorSize)
            throw Invalid($"HeaderSize {h.HeaderSize} is outside {GptHeader.DefinedHeaderSize}..{sectorSize}");
        uint crc = GptHeader.ComputeHeaderCRC32(block, (int)h.HeaderSize);
        if (crc != h.HeaderCRC32)
            throw Diag.Error(nameof(Strings.GptHeaderCrcMismatch), description, myLBA, h.HeaderCRC32.ToString("X8", CultureInfo.InvariantCulture), crc.ToString("X8", CultureInfo.InvariantCulture));
        if ((h.Revision & RevisionMajorMask) != (GptHeader.Revision1_0 & RevisionMajorMask))
            throw Invalid($"Revision 0x{h.Revision:X8} is not 1.x");
        if (h.MyLBA != myLBA)
            throw Invalid($"MyLBA is {h.MyLBA}, not {myLBA}");
        if (h.SizeOfPartitionEntry < GptPartitionEntry.DefinedEntrySize
            || !IsPowerOfTwo(h.SizeOfPartitionEntry / GptPartitionEntry.DefinedEntrySize)
            || h.SizeOfPartitionEntry % GptPartitionEntry.DefinedEntrySize != 0)
            throw Diag.Error(nameof(Strings.GptEntrySizeInvalid), description, h.SizeOfPartitionEntry);
        long arrayBytes = (long)h.NumberOfPartitionEntries * h.SizeOfPartitionEntry;
        if (h.NumberOfPartitionEntries == 0 || arrayBytes > MaxEntryArrayBytes)
            throw Invalid($"NumberOfPartitionEntries {h.NumberOfPartitionEntries} × {h.SizeOfPartitionEntry} bytes is not 1..{MaxEntryArrayBytes} bytes");
        long arraySectors = (arrayBytes + sectorSize - 1) / sectorSize;
        bool primary = myLBA == GptTable.PrimaryHeaderLBA;
        if (h.AlternateLBA <= 0 || h.AlternateLBA >= diskSectors || h.AlternateLBA == myLBA)
            throw Invalid($"AlternateLBA {h.AlternateLBA} is not another LBA of the {diskSectors}-block disk");
        if (h.FirstUsableLBA > h.LastUsableLBA + 1 || h.FirstUsableLBA < 2 || h.LastUsableLBA >= diskSectors)
            throw Invalid($"the usable LBAs {h.FirstUsableLBA}-{h.LastUsableLBA} do not fit the {diskSectors}-block disk");
        long lastHeader = primary ? h.AlternateLBA : myLBA;
        if (h.LastUsableLBA >= lastHeader)
            throw Invalid($"LastUsableLBA {h.LastUsableLBA} reaches the backup header at LBA {lastHeader}");
        if (h.PartitionEntryLBA < 2 || h.PartitionEntryLBA >= diskSectors)
            throw Invalid($"PartitionEntryLBA {h.PartitionEntryLBA} is not on the {diskSectors}-block disk");
        bool arrayFits = primary
            ? h.PartitionEntryLBA >= 2 && h.PartitionEntryLBA + arraySectors <= h.FirstUsableLBA
            : h.PartitionEntryLBA > h.LastUsableLBA && h.PartitionEntryLBA + arraySectors <= myLBA;
        if (!arrayFits)
            throw Invalid($"the entry array at LBA {h.PartitionEntryLBA} ({arraySectors} blocks) overlaps the usable LBAs or the header");

        array = new byte[arraySectors * sectorSize];
        device.ReadAt(h.PartitionEntryLBA * sectorSize, array);
        uint arrayCrc = Crc32.HashToUInt32(array.AsSpan(0, (int)arrayBytes));
        if (arrayCrc != h.PartitionEntryArrayCRC32)
            throw Diag.Error(nameof(Strings.GptEntryArrayCrcMismatch), description, h.PartitionEntryLBA, h.PartitionEntryArrayCRC32.ToString("X8", CultureInfo.InvariantCulture), arrayCrc.ToString("X8", CultureInfo.InvariantCulture));

        var entries = new List<GptPartitionEntry>();
        for (int i = 0; i < h.NumberOfPartitionEntries; i++)
        {
            var e = GptPartitionEntry.Read(array.AsSpan(i * (int)h.SizeOfPartitionEntry, GptPartitionEntry.DefinedEntrySize), i);
            if (!e.IsUnused)
                entries.Add(e);
        }
        long tableSectors = (primary ? h.AlternateLBA : myLBA) + 1;
        return new GptTable(sectorSize, tableSectors, h.DiskGUID, entries, (int)h.NumberOfPartitionEntries,
            (int)h.SizeOfPartitionEntry, primary ? h.PartitionEntryLBA : GptTable.DefaultPartitionEntryLBA,
            h.FirstUsableLBA, h.LastUsableLBA);

        CcImageException Invalid(string why) => Diag.Error(nameof(Strings.GptHeaderInvalid), description, myLBA, why);
    }

    private static bool IsPowerOfTwo(uint n) => n != 0 && (n & (n - 1)) == 0;
}
