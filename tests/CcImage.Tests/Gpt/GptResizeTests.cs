// GptResize.GrowToEnd on a FileBlockDevice whose file was enlarged: backup moved, last partition extended, idempotent,
// MBR boot code kept, and refusals on disks without a valid GPT.
using System.Security.Cryptography;
using CcImage.Core.Disk;
using CcImage.Core.Gpt;

namespace CcImage.Tests.Gpt;

[TestClass]
public class GptResizeTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("gpt-resize");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void GrowToEnd_Extend_MovesBackupAndExtendsLastPartition(int sectorSize)
    {
        var table = GptTestDisk.Table(3, sectorSize);
        string path = GptTestDisk.Write(table, _dir);
        long newBytes = table.DiskSectors * sectorSize + 64 * GptTestDisk.MiB;
        Grow(path, newBytes, extend: true);

        using var device = new FileBlockDevice(path, writable: false);
        var read = GptReader.Read(device, path);
        long newSectors = newBytes / sectorSize;
        Assert.IsFalse(read.FromBackup);
        Assert.AreEqual(newSectors, read.Table.DiskSectors);
        Assert.AreEqual(newSectors - 1, read.Header.AlternateLBA);
        Assert.AreEqual(newSectors - 2 - 16384 / sectorSize, read.Table.LastUsableLBA);
        var last = read.Table.Partitions.MaxBy(p => p.EndingLBA)!;
        Assert.AreEqual(read.Table.LastUsableLBA, last.EndingLBA);
        Assert.AreEqual(table.Partitions[^1].StartingLBA, last.StartingLBA);
        for (int i = 0; i < 2; i++)
            Assert.AreEqual(table.Partitions[i], read.Table.Partitions[i]);
    }

    [TestMethod]
    public void GrowToEnd_NoExtend_KeepsPartitionsAndUpdatesHeaders()
    {
        var table = GptTestDisk.Table(2, 512);
        string path = GptTestDisk.Write(table, _dir);
        Grow(path, table.DiskSectors * 512 + 10 * GptTestDisk.MiB, extend: false);
        using var device = new FileBlockDevice(path, writable: false);
        var read = GptReader.Read(device, path);
        CollectionAssert.AreEqual(table.Partitions.ToList(), read.Table.Partitions.ToList());
        Assert.AreEqual(device.Length / 512 - 34, read.Table.LastUsableLBA);
    }

    [TestMethod]
    public void GrowToEnd_SecondRun_ChangesNoByte()
    {
        var table = GptTestDisk.Table(2, 512);
        string path = GptTestDisk.Write(table, _dir);
        Grow(path, table.DiskSectors * 512 + 8 * GptTestDisk.MiB, extend: true);
        byte[] first = SHA256.HashData(File.ReadAllBytes(path));
        DateTime written = File.GetLastWriteTimeUtc(path);
        using (var device = new FileBlockDevice(path, writable: true))
            GptResize.GrowToEnd(device, extendLastPartition: true);
        CollectionAssert.AreEqual(first, SHA256.HashData(File.ReadAllBytes(path)));
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(path), "an idempotent run does not write");
    }

    [TestMethod]
    public void GrowToEnd_SameSize_ChangesNoByte()
    {
        var table = GptTestDisk.Table(2, 512);
        string path = GptTestDisk.Write(table, _dir);
        byte[] before = File.ReadAllBytes(path);
        using (var device = new FileBlockDevice(path, writable: true))
            GptResize.GrowToEnd(device, extendLastPartition: false);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(path));
    }

    [TestMethod]
    public void GrowToEnd_OldBackupHeader_IsCleared()
    {
        var table = GptTestDisk.Table(1, 512);
        string path = GptTestDisk.Write(table, _dir);
        Grow(path, table.DiskSectors * 512 + GptTestDisk.MiB, extend: false);
        byte[] bytes = File.ReadAllBytes(path);
        Assert.IsLessThan(0, bytes.AsSpan((int)((table.DiskSectors - 1) * 512), 512).IndexOfAnyExcept((byte)0));
    }

    [TestMethod]
    public void GrowToEnd_MbrBootCode_IsKept()
    {
        var table = GptTestDisk.Table(1, 512);
        string path = GptTestDisk.Write(table, _dir);
        byte[] bootCode = RandomNumberGenerator.GetBytes(440);
        using (var device = new FileBlockDevice(path, writable: true))
            device.WriteAt(0, bootCode);
        Grow(path, table.DiskSectors * 512 + GptTestDisk.MiB, extend: true);
        byte[] bytes = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(bootCode, bytes[..440]);
        Assert.AreEqual((uint)(bytes.Length / 512 - 1), BitConverter.ToUInt32(bytes, 446 + 12));
    }

    [TestMethod]
    public void GrowToEnd_PrimaryDamaged_RebuildsBothCopiesFromBackup()
    {
        var table = GptTestDisk.Table(2, 512);
        string path = GptTestDisk.Write(table, _dir);
        using (var device = new FileBlockDevice(path, writable: true))
            device.WriteAt(512 + 100, new byte[] { 0xDE, 0xAD });
        Grow(path, table.DiskSectors * 512 + 4 * GptTestDisk.MiB, extend: false);
        using (var device = new FileBlockDevice(path, writable: false))
        {
            var read = GptReader.Read(device, path);
            Assert.IsFalse(read.FromBackup, read.PrimaryError);
            CollectionAssert.AreEqual(table.Partitions.ToList(), read.Table.Partitions.ToList());
        }
        GptTestDisk.AssertSgdiskClean(path, 512);
    }

    [TestMethod]
    public void GrowToEnd_NoGpt_ThrowsCcimg2101()
    {
        string path = Path.Combine(_dir, "blank.img");
        File.WriteAllBytes(path, new byte[4 << 20]);
        using var device = new FileBlockDevice(path, writable: true);
        GptTestDisk.AssertThrowsCode("CCIMG2101", () => GptResize.GrowToEnd(device, true));
    }

    [TestMethod]
    public void GrowToEnd_DiskTruncated_ThrowsCcimg2103()
    {
        var table = GptTestDisk.Table(1, 512);
        string path = GptTestDisk.Write(table, _dir);
        using var device = new FileBlockDevice(path, writable: true);
        device.SetLength(device.Length - GptTestDisk.MiB / 2);
        GptTestDisk.AssertThrowsCode("CCIMG2103", () => GptResize.GrowToEnd(device, true));
    }

    internal static void Grow(string path, long newBytes, bool extend)
    {
        using var device = new FileBlockDevice(path, writable: true);
        device.SetLength(newBytes);
        GptResize.GrowToEnd(device, extend);
    }
}
