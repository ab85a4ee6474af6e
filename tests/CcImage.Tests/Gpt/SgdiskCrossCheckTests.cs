// Cross-checks against GPT fdisk's sgdisk: it verifies our tables clean and shows our GUIDs, LBAs, attributes and
// names; our reader reads tables sgdisk wrote; grown disks stay clean.
using System.Globalization;
using System.Text.RegularExpressions;
using CcImage.Core.Disk;
using CcImage.Core.Gpt;
using CcImage.Core.Tools;

namespace CcImage.Tests.Gpt;

[TestClass]
public class SgdiskCrossCheckTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("gpt-sgdisk");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(1, 512)]
    [DataRow(4, 512)]
    [DataRow(16, 512)]
    [DataRow(128, 512)]
    [DataRow(3, 4096)]
    public void Verify_OurTable_ReportsNoProblems(int count, int sectorSize)
    {
        string path = GptTestDisk.Write(GptTestDisk.Table(count, sectorSize), _dir);
        GptTestDisk.AssertSgdiskClean(path, sectorSize);
    }

    [TestMethod]
    public void Verify_EmptyTable_ReportsNoProblems()
    {
        string path = GptTestDisk.Write(GptTestDisk.Table(0, 512, diskBytes: 8 * GptTestDisk.MiB), _dir);
        GptTestDisk.AssertSgdiskClean(path, 512);
    }

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void Print_OurTable_ShowsDiskGuidAndUsableRange(int sectorSize)
    {
        var table = GptTestDisk.Table(3, sectorSize);
        string path = GptTestDisk.Write(table, _dir);
        string output = GptTestDisk.RunOn(HostTool.Sgdisk, path, sectorSize, d => ["-p", d]).StandardOutput;
        StringAssert.Contains(output, $"Disk identifier (GUID): {table.DiskGUID.ToString().ToUpperInvariant()}");
        StringAssert.Contains(output, $"First usable sector is {table.FirstUsableLBA}, last usable sector is {table.LastUsableLBA}");
        StringAssert.Contains(output, "Partition table holds up to 128 entries");
        foreach (var p in table.Partitions)
            Assert.IsTrue(Regex.IsMatch(output, $@"^\s+{p.Index + 1}\s+{p.StartingLBA}\s+{p.EndingLBA}\s", RegexOptions.Multiline), output);
    }

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void Info_EachPartition_ShowsOurGuidsLbasAttributesAndName(int sectorSize)
    {
        ulong attributes = GptAttributes.RequiredPartition | GptAttributes.LegacyBiosBootable | GptAttributes.ReadOnly | GptAttributes.NoAuto;
        var table = GptTestDisk.Table(4, sectorSize, attributes: attributes);
        string path = GptTestDisk.Write(table, _dir);
        foreach (var p in table.Partitions)
        {
            string info = GptTestDisk.RunOn(HostTool.Sgdisk, path, sectorSize, d => ["-i", (p.Index + 1).ToString(CultureInfo.InvariantCulture), d]).StandardOutput;
            StringAssert.Contains(info, $"Partition GUID code: {p.PartitionTypeGUID.ToString().ToUpperInvariant()}");
            Assert.IsFalse(info.Contains("(Unknown)") && PartitionRoles.ForType(p.PartitionTypeGUID)!.Name is "root" or "esp", info);
            StringAssert.Contains(info, $"Partition unique GUID: {p.UniquePartitionGUID.ToString().ToUpperInvariant()}");
            StringAssert.Contains(info, $"First sector: {p.StartingLBA} ");
            StringAssert.Contains(info, $"Last sector: {p.EndingLBA} ");
            StringAssert.Contains(info, $"Attribute flags: {attributes:X16}");
            StringAssert.Contains(info, $"Partition name: '{p.PartitionName}'");
        }
    }

    [TestMethod]
    public void Info_Roles_AreNamedBySgdisk()
    {
        // Types GPT fdisk 1.0.9 knows by name; the verity-signature types are newer than it.
        var roles = PartitionRoles.All.Where(r => !r.Name.EndsWith("-sig", StringComparison.Ordinal)).ToList();
        var entries = roles.Select((r, i) => new GptPartitionEntry
        {
            Index = i, PartitionTypeGUID = r.TypeGuid, UniquePartitionGUID = Guid.NewGuid(),
            StartingLBA = 2048 + i * 2048L, EndingLBA = 2048 + i * 2048L + 2047, PartitionName = r.Name,
        });
        var table = new GptTable(512, 2048 * (roles.Count + 2), Guid.NewGuid(), entries);
        string path = GptTestDisk.Write(table, _dir);
        for (int i = 0; i < roles.Count; i++)
        {
            string info = GptTestDisk.Runner.Run(HostTool.Sgdisk, ["-i", (i + 1).ToString(CultureInfo.InvariantCulture), path]).StandardOutput;
            Assert.DoesNotContain("(Unknown)", info, $"{roles[i].Name}: {info}");
        }
    }

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void SgdiskWrittenTable_IsReadByOurReader(int sectorSize)
    {
        string path = Path.Combine(_dir, "sgdisk.img");
        using (var f = new FileStream(path, FileMode.Create))
            f.SetLength(64 * GptTestDisk.MiB);
        var disk = Guid.NewGuid();
        var u1 = Guid.NewGuid();
        var u2 = Guid.NewGuid();
        GptTestDisk.RunOn(HostTool.Sgdisk, path, sectorSize, d =>
        [
            "-o", "-U", disk.ToString(),
            "-n", "1:0:+8M", "-t", "1:C12A7328-F81F-11D2-BA4B-00A0C93EC93B", "-u", $"1:{u1}", "-c", "1:EFI system",
            "-n", "3:0:0", "-t", "3:4F68BCE3-E8CD-4DB1-96E7-FBCAF984B709", "-u", $"3:{u2}", "-c", "3:root",
            "-A", "3:set:60", "-A", "3:set:0", d,
        ]);

        using var device = new FileBlockDevice(path, writable: false);
        var read = GptReader.Read(device, path);
        Assert.IsFalse(read.FromBackup);
        Assert.AreEqual(sectorSize, read.Table.SectorSize);
        Assert.AreEqual(disk, read.Table.DiskGUID);
        Assert.HasCount(2, read.Table.Partitions);
        var esp = read.Table.Partitions[0];
        var root = read.Table.Partitions[1];
        Assert.AreEqual(0, esp.Index);
        Assert.AreEqual(2, root.Index);
        Assert.AreEqual(u1, esp.UniquePartitionGUID);
        Assert.AreEqual(u2, root.UniquePartitionGUID);
        Assert.AreEqual(PartitionRoles.Find("esp")!.TypeGuid, esp.PartitionTypeGUID);
        Assert.AreEqual(PartitionRoles.Find("root")!.TypeGuid, root.PartitionTypeGUID);
        Assert.AreEqual("EFI system", esp.PartitionName);
        Assert.AreEqual("root", root.PartitionName);
        Assert.AreEqual(GptAttributes.ReadOnly | GptAttributes.RequiredPartition, root.Attributes);
        Assert.AreEqual(8 * GptTestDisk.MiB / sectorSize, esp.SizeInLBA);
        foreach (var p in new[] { esp, root })
        {
            string info = GptTestDisk.RunOn(HostTool.Sgdisk, path, sectorSize, d => ["-i", (p.Index + 1).ToString(CultureInfo.InvariantCulture), d]).StandardOutput;
            StringAssert.Contains(info, $"First sector: {p.StartingLBA} ");
            StringAssert.Contains(info, $"Last sector: {p.EndingLBA} ");
        }
        StringAssert.Contains(GptTestDisk.RunOn(HostTool.Sgdisk, path, sectorSize, d => ["-p", d]).StandardOutput,
            $"last usable sector is {read.Table.LastUsableLBA}");
    }

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void GrownDisk_VerifiesCleanWithLastPartitionExtended(int sectorSize)
    {
        var table = GptTestDisk.Table(3, sectorSize);
        string path = GptTestDisk.Write(table, _dir);
        long newBytes = table.DiskSectors * sectorSize + 32 * GptTestDisk.MiB;
        GptResizeTests.Grow(path, newBytes, extend: true);
        GptTestDisk.AssertSgdiskClean(path, sectorSize);
        long lastUsable = newBytes / sectorSize - 2 - 16384 / sectorSize;
        string info = GptTestDisk.RunOn(HostTool.Sgdisk, path, sectorSize, d => ["-i", "3", d]).StandardOutput;
        StringAssert.Contains(info, $"Last sector: {lastUsable} ");
        StringAssert.Contains(info, $"First sector: {table.Partitions[2].StartingLBA} ");
    }

    [TestMethod]
    public void EnlargedWithoutGrow_SgdiskReportsMisplacedBackup()
    {
        var table = GptTestDisk.Table(1, 512);
        string path = GptTestDisk.Write(table, _dir);
        using (var device = new FileBlockDevice(path, writable: true))
            device.SetLength(device.Length + GptTestDisk.MiB);
        StringAssert.Contains(GptTestDisk.SgdiskVerify(path, 512), "Problem:");
    }

    [TestMethod]
    public void SgdiskWrittenTable_GrownByUs_VerifiesClean()
    {
        string path = Path.Combine(_dir, "sgdisk.img");
        using (var f = new FileStream(path, FileMode.Create))
            f.SetLength(16 * GptTestDisk.MiB);
        GptTestDisk.Runner.Run(HostTool.Sgdisk, ["-o", "-n", "1:0:+4M", "-n", "2:0:0", path]);
        GptResizeTests.Grow(path, 48 * GptTestDisk.MiB, extend: true);
        GptTestDisk.AssertSgdiskClean(path, 512);
        string info = GptTestDisk.Runner.Run(HostTool.Sgdisk, ["-i", "2", path]).StandardOutput;
        StringAssert.Contains(info, $"Last sector: {48 * GptTestDisk.MiB / 512 - 34} ");
    }
}
