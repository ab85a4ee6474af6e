// GptTable (the writer): protective MBR, header fields and CRCs, usable range per sector size, and its refusals.
using System.IO.Hashing;
using System.Buffers.Binary;
using CcImage.Core.Gpt;

namespace CcImage.Tests.Gpt;

[TestClass]
public class GptTableTests
{
    [TestMethod]
    [DataRow(512, 34L)]
    [DataRow(4096, 6L)]
    public void New_SectorSize_PlacesUsableRangeAroundEntryArrays(int sectorSize, long firstUsable)
    {
        var table = GptTestDisk.Table(2, sectorSize);
        long entrySectors = 16384 / sectorSize;
        Assert.AreEqual(firstUsable, table.FirstUsableLBA);
        Assert.AreEqual(table.DiskSectors - 2 - entrySectors, table.LastUsableLBA);
        Assert.AreEqual(table.DiskSectors - 1 - entrySectors, table.BackupPartitionEntryLBA);
    }

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void BuildPrimaryRegion_HeaderFieldsAndCrcs_AreAsSpecified(int sectorSize)
    {
        var table = GptTestDisk.Table(3, sectorSize);
        byte[] region = table.BuildPrimaryRegion();
        var block = region.AsSpan(sectorSize, sectorSize);
        Assert.AreEqual("EFI PART", System.Text.Encoding.ASCII.GetString(block[..8]));
        Assert.AreEqual(0x00010000u, BinaryPrimitives.ReadUInt32LittleEndian(block[8..]));
        Assert.AreEqual(92u, BinaryPrimitives.ReadUInt32LittleEndian(block[12..]));
        Assert.AreEqual(1L, BinaryPrimitives.ReadInt64LittleEndian(block[24..]));
        Assert.AreEqual(table.DiskSectors - 1, BinaryPrimitives.ReadInt64LittleEndian(block[32..]));
        Assert.AreEqual(2L, BinaryPrimitives.ReadInt64LittleEndian(block[72..]));
        Assert.AreEqual(128u, BinaryPrimitives.ReadUInt32LittleEndian(block[80..]));
        Assert.AreEqual(128u, BinaryPrimitives.ReadUInt32LittleEndian(block[84..]));
        Assert.IsLessThan(0, block[92..].IndexOfAnyExcept((byte)0), "the rest of the header block is zero");
        Assert.AreEqual(BinaryPrimitives.ReadUInt32LittleEndian(block[16..]), GptHeader.ComputeHeaderCRC32(block, 92));
        var entries = region.AsSpan(2 * sectorSize, 16384);
        Assert.AreEqual(BinaryPrimitives.ReadUInt32LittleEndian(block[88..]), Crc32.HashToUInt32(entries));
    }

    [TestMethod]
    public void BuildPrimaryRegion_ProtectiveMbr_CoversDiskFromLba1()
    {
        var table = GptTestDisk.Table(1, 512);
        byte[] region = table.BuildPrimaryRegion();
        Assert.AreEqual(0x55, region[510]);
        Assert.AreEqual(0xAA, region[511]);
        var record = region.AsSpan(446, 16);
        Assert.AreEqual(0x00, record[0]);
        CollectionAssert.AreEqual(new byte[] { 0x00, 0x02, 0x00 }, record[1..4].ToArray());
        Assert.AreEqual(0xEE, record[4]);
        Assert.AreEqual(1u, BinaryPrimitives.ReadUInt32LittleEndian(record[8..]));
        Assert.AreEqual((uint)(table.DiskSectors - 1), BinaryPrimitives.ReadUInt32LittleEndian(record[12..]));
        Assert.IsLessThan(0, region.AsSpan(462, 48).IndexOfAnyExcept((byte)0), "the other three records are empty");
    }

    [TestMethod]
    public void ProtectiveMbr_HugeDisk_CapsSizeInLba()
    {
        byte[] lba0 = new byte[512];
        ProtectiveMbr.Write(lba0, 1L << 40);
        Assert.AreEqual(0xFFFFFFFFu, BinaryPrimitives.ReadUInt32LittleEndian(lba0.AsSpan(446 + 12)));
        CollectionAssert.AreEqual(new byte[] { 0xFF, 0xFF, 0xFF }, lba0.AsSpan(446 + 5, 3).ToArray());
    }

    [TestMethod]
    public void BuildBackupRegion_Header_PointsBackAtPrimary()
    {
        var table = GptTestDisk.Table(2, 512);
        byte[] backup = table.BuildBackupRegion();
        var header = GptHeader.Read(backup.AsSpan(16384, 512));
        Assert.AreEqual(table.DiskSectors - 1, header.MyLBA);
        Assert.AreEqual(1L, header.AlternateLBA);
        Assert.AreEqual(table.DiskSectors - 33, header.PartitionEntryLBA);
        CollectionAssert.AreEqual(table.BuildEntryArray(), backup[..16384]);
    }

    [TestMethod]
    public void New_OverlappingPartitions_ThrowsCcimg2107()
    {
        var a = new GptPartitionEntry { Index = 0, PartitionTypeGUID = PartitionRoles.Default.TypeGuid, StartingLBA = 2048, EndingLBA = 4095 };
        var b = a with { Index = 1, StartingLBA = 4095, EndingLBA = 5000 };
        GptTestDisk.AssertThrowsCode("CCIMG2107", () => _ = new GptTable(512, 20480, Guid.NewGuid(), [a, b]));
    }

    [TestMethod]
    public void New_PartitionPastLastUsable_ThrowsCcimg2106()
    {
        var a = new GptPartitionEntry { Index = 0, PartitionTypeGUID = PartitionRoles.Default.TypeGuid, StartingLBA = 2048, EndingLBA = 20480 - 33 };
        GptTestDisk.AssertThrowsCode("CCIMG2106", () => _ = new GptTable(512, 20480, Guid.NewGuid(), [a]));
    }

    [TestMethod]
    public void New_NameOver36Chars_ThrowsCcimg2106()
    {
        var a = new GptPartitionEntry { Index = 0, PartitionTypeGUID = PartitionRoles.Default.TypeGuid, StartingLBA = 2048, EndingLBA = 4095, PartitionName = new string('n', 37) };
        GptTestDisk.AssertThrowsCode("CCIMG2106", () => _ = new GptTable(512, 20480, Guid.NewGuid(), [a]));
    }

    [TestMethod]
    public void New_UnsupportedSectorSize_ThrowsCcimg2109() =>
        GptTestDisk.AssertThrowsCode("CCIMG2109", () => _ = new GptTable(1024, 20480, Guid.NewGuid(), []));

    [TestMethod]
    public void New_DiskTooSmallForGpt_ThrowsCcimg2110() =>
        GptTestDisk.AssertThrowsCode("CCIMG2110", () => _ = new GptTable(512, 60, Guid.NewGuid(), []));
}
