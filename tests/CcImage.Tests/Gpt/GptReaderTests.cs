// GptReader: reads back what GptTable writes, falls back to the backup copy, and rejects malformed tables with CCIMG codes.
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Gpt;

namespace CcImage.Tests.Gpt;

[TestClass]
public class GptReaderTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("gpt-reader");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(1, 512)]
    [DataRow(5, 512)]
    [DataRow(128, 512)]
    [DataRow(4, 4096)]
    public void Read_OwnTable_GivesSameHeaderAndEntries(int count, int sectorSize)
    {
        var table = GptTestDisk.Table(count, sectorSize, attributes: GptAttributes.ReadOnly | GptAttributes.RequiredPartition);
        string path = GptTestDisk.Write(table, _dir);
        var read = Read(path);
        Assert.IsFalse(read.FromBackup);
        Assert.AreEqual(sectorSize, read.Table.SectorSize);
        Assert.AreEqual(table.DiskGUID, read.Table.DiskGUID);
        Assert.AreEqual(table.DiskSectors, read.Table.DiskSectors);
        Assert.AreEqual(table.FirstUsableLBA, read.Table.FirstUsableLBA);
        Assert.AreEqual(table.LastUsableLBA, read.Table.LastUsableLBA);
        CollectionAssert.AreEqual(table.Partitions.ToList(), read.Table.Partitions.ToList());
    }

    [TestMethod]
    public void Read_PrimaryHeaderDamaged_UsesBackup()
    {
        var table = GptTestDisk.Table(3, 512);
        string path = GptTestDisk.Write(table, _dir);
        Flip(path, 512 + 60);
        var read = Read(path);
        Assert.IsTrue(read.FromBackup);
        StringAssert.Contains(read.PrimaryError!, "CCIMG2102");
        CollectionAssert.AreEqual(table.Partitions.ToList(), read.Table.Partitions.ToList());
    }

    [TestMethod]
    public void Read_PrimaryEntryArrayDamaged_UsesBackup()
    {
        var table = GptTestDisk.Table(3, 512);
        string path = GptTestDisk.Write(table, _dir);
        Flip(path, 1024 + 200);
        var read = Read(path);
        Assert.IsTrue(read.FromBackup);
        StringAssert.Contains(read.PrimaryError!, "CCIMG2105");
    }

    [TestMethod]
    public void Read_BothHeadersDamaged_ThrowsCcimg2102()
    {
        var table = GptTestDisk.Table(2, 512);
        string path = GptTestDisk.Write(table, _dir);
        Flip(path, 512 + 60);
        Flip(path, (table.DiskSectors - 1) * 512 + 60);
        GptTestDisk.AssertThrowsCode("CCIMG2102", () => Read(path));
    }

    [TestMethod]
    public void Read_BothEntryArraysDamaged_ThrowsCcimg2105()
    {
        var table = GptTestDisk.Table(2, 512);
        string path = GptTestDisk.Write(table, _dir);
        Flip(path, 1024 + 10);
        Flip(path, table.BackupRegionOffset + 10);
        GptTestDisk.AssertThrowsCode("CCIMG2105", () => Read(path));
    }

    [TestMethod]
    public void Read_SignatureGoneFromBothCopies_ThrowsCcimg2101()
    {
        var table = GptTestDisk.Table(2, 512);
        string path = GptTestDisk.Write(table, _dir);
        Flip(path, 512);
        Flip(path, (table.DiskSectors - 1) * 512);
        GptTestDisk.AssertThrowsCode("CCIMG2101", () => Read(path));
    }

    [TestMethod]
    public void Read_ZeroFile_ThrowsCcimg2101()
    {
        string path = Path.Combine(_dir, "zero.img");
        File.WriteAllBytes(path, new byte[1 << 20]);
        GptTestDisk.AssertThrowsCode("CCIMG2101", () => Read(path));
    }

    [TestMethod]
    public void Read_TinyFile_ThrowsCcimg2101()
    {
        string path = Path.Combine(_dir, "tiny.img");
        File.WriteAllBytes(path, new byte[700]);
        GptTestDisk.AssertThrowsCode("CCIMG2101", () => Read(path));
    }

    [TestMethod]
    public void Read_OverlappingEntriesWithValidCrcs_ThrowsCcimg2107()
    {
        var table = GptTestDisk.Table(3, 512);
        var entries = table.Partitions.ToList();
        entries[2] = entries[2] with { StartingLBA = entries[1].EndingLBA - 5 };
        string path = WriteRaw(table, entries, h => h);
        GptTestDisk.AssertThrowsCode("CCIMG2107", () => Read(path));
    }

    [TestMethod]
    public void Read_EntryBeyondLastUsable_ThrowsCcimg2106()
    {
        var table = GptTestDisk.Table(2, 512);
        var entries = table.Partitions.ToList();
        entries[1] = entries[1] with { EndingLBA = table.LastUsableLBA + 1 };
        string path = WriteRaw(table, entries, h => h);
        GptTestDisk.AssertThrowsCode("CCIMG2106", () => Read(path));
    }

    [TestMethod]
    public void Read_EntrySizeNotPowerOfTwoTimes128_ThrowsCcimg2104()
    {
        var table = GptTestDisk.Table(1, 512);
        string path = WriteRaw(table, table.Partitions.ToList(), h => h with { SizeOfPartitionEntry = 192 });
        GptTestDisk.AssertThrowsCode("CCIMG2104", () => Read(path));
    }

    [TestMethod]
    public void Read_LastUsableBeyondDisk_ThrowsCcimg2103()
    {
        var table = GptTestDisk.Table(1, 512);
        string path = WriteRaw(table, table.Partitions.ToList(), h => h with { LastUsableLBA = table.DiskSectors + 10 });
        GptTestDisk.AssertThrowsCode("CCIMG2103", () => Read(path));
    }

    [TestMethod]
    [DataRow(long.MaxValue - 2)]
    [DataRow(-5L)]
    [DataRow(40L)]
    public void Read_EntryArrayOutsideItsPlace_ThrowsCcimg2103(long partitionEntryLBA)
    {
        var table = GptTestDisk.Table(1, 512);
        string path = WriteRaw(table, table.Partitions.ToList(), h => h with { PartitionEntryLBA = partitionEntryLBA });
        GptTestDisk.AssertThrowsCode("CCIMG2103", () => Read(path));
    }

    [TestMethod]
    [DataRow(long.MaxValue)]
    [DataRow(long.MinValue)]
    [DataRow(0L)]
    public void Read_AlternateLbaOutOfRange_ThrowsCcimg2103(long alternateLBA)
    {
        var table = GptTestDisk.Table(1, 512);
        string path = WriteRaw(table, table.Partitions.ToList(), h => h with { AlternateLBA = alternateLBA });
        GptTestDisk.AssertThrowsCode("CCIMG2103", () => Read(path));
    }

    [TestMethod]
    public void Read_HugeEntryCount_ThrowsCcimg2103WithoutAllocating()
    {
        var table = GptTestDisk.Table(1, 512);
        string path = WriteRaw(table, table.Partitions.ToList(), h => h with { NumberOfPartitionEntries = uint.MaxValue });
        GptTestDisk.AssertThrowsCode("CCIMG2103", () => Read(path));
    }

    [TestMethod]
    public void Read_RandomlyCorruptedMetadata_FailsOnlyWithCcimgErrors()
    {
        var table = GptTestDisk.Table(4, 512);
        string path = GptTestDisk.Write(table, _dir);
        byte[] pristine = File.ReadAllBytes(path);
        var random = new Random(1234);
        int rejected = 0;
        for (int round = 0; round < 300; round++)
        {
            byte[] bytes = (byte[])pristine.Clone();
            for (int k = 0; k < 1 + round % 6; k++)
            {
                bool end = random.Next(2) == 0;
                long offset = end ? table.BackupRegionOffset + random.Next(16384 + 512) : 512 + random.Next(600);
                bytes[offset] = (byte)random.Next(256);
            }
            File.WriteAllBytes(path, bytes);
            try
            {
                Read(path);
            }
            catch (CcImageException e)
            {
                StringAssert.StartsWith(e.Code, "CCIMG21");
                rejected++;
            }
        }
        Assert.IsGreaterThan(0, rejected, "some corruptions must be rejected");
    }

    private static GptReadResult Read(string path)
    {
        using var device = new FileBlockDevice(path, writable: false);
        return GptReader.Read(device, path);
    }

    private static void Flip(string path, long offset)
    {
        using var f = new FileStream(path, FileMode.Open);
        f.Position = offset;
        int b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ 0xFF));
    }

    /// <summary>Writes headers and entry arrays for <paramref name="entries"/> without the writer's validation, CRCs correct.</summary>
    private string WriteRaw(GptTable layout, List<GptPartitionEntry> entries, Func<GptHeader, GptHeader> edit)
    {
        string path = GptTestDisk.Write(GptTestDisk.Table(0, layout.SectorSize, diskBytes: layout.DiskSectors * layout.SectorSize), _dir, "raw.img");
        int ss = layout.SectorSize;
        byte[] array = new byte[16384];
        foreach (var e in entries)
            e.WriteTo(array.AsSpan(e.Index * 128, 128));
        using var device = new FileBlockDevice(path, writable: true);
        foreach (bool primary in new[] { true, false })
        {
            var header = edit(layout.Header(primary, array));
            byte[] block = new byte[ss];
            header.WriteTo(block);
            device.WriteAt(header.MyLBA * ss, block);
            device.WriteAt((primary ? 2 : layout.BackupPartitionEntryLBA) * ss, array);
        }
        return path;
    }
}
