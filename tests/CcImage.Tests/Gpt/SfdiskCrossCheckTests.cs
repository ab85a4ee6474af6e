// Cross-checks against util-linux sfdisk: `sfdisk --json` reads back label, disk GUID, usable range and every
// partition's start, size, type, GUID, name and attributes exactly as we wrote them; grown disks and sfdisk-written
// tables too.
using System.Globalization;
using System.Text.Json;
using CcImage.Core.Disk;
using CcImage.Core.Gpt;
using CcImage.Core.Tools;

namespace CcImage.Tests.Gpt;

[TestClass]
public class SfdiskCrossCheckTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("gpt-sfdisk");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(1, 512)]
    [DataRow(7, 512)]
    [DataRow(128, 512)]
    [DataRow(5, 4096)]
    public void Json_OurTable_ReadsBackExactly(int count, int sectorSize)
    {
        var table = GptTestDisk.Table(count, sectorSize);
        string path = GptTestDisk.Write(table, _dir);
        AssertMatches(table, GptTestDisk.SfdiskJson(path, sectorSize));
    }

    [TestMethod]
    public void Json_Attributes_ShowsEachBit()
    {
        var table = GptTestDisk.Table(1, 512,
            attributes: GptAttributes.RequiredPartition | GptAttributes.NoBlockIoProtocol | GptAttributes.LegacyBiosBootable
                        | GptAttributes.GrowFileSystem | GptAttributes.ReadOnly | GptAttributes.NoAuto);
        string path = GptTestDisk.Write(table, _dir);
        var p = GptTestDisk.SfdiskJson(path, 512).GetProperty("partitions")[0];
        Assert.AreEqual("RequiredPartition NoBlockIOProtocol LegacyBIOSBootable GUID:59,60,63", p.GetProperty("attrs").GetString());
    }

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void Json_GrownDisk_ShowsNewEndAndExtendedLastPartition(int sectorSize)
    {
        var table = GptTestDisk.Table(2, sectorSize);
        string path = GptTestDisk.Write(table, _dir);
        long newBytes = table.DiskSectors * sectorSize + 40 * GptTestDisk.MiB;
        GptResizeTests.Grow(path, newBytes, extend: true);
        var expected = table.WithDiskSectors(newBytes / sectorSize,
            [table.Partitions[0], table.Partitions[1] with { EndingLBA = newBytes / sectorSize - 2 - 16384 / sectorSize }]);
        AssertMatches(expected, GptTestDisk.SfdiskJson(path, sectorSize));
        var verify = GptTestDisk.RunOn(HostTool.Sfdisk, path, sectorSize, d => ["--verify", d]);
        StringAssert.Contains(verify.StandardOutput, "No errors detected.", verify.StandardOutput);
    }

    [TestMethod]
    public void SfdiskWrittenTable_IsReadByOurReader()
    {
        string path = Path.Combine(_dir, "sfdisk.img");
        using (var f = new FileStream(path, FileMode.Create))
            f.SetLength(32 * GptTestDisk.MiB);
        var disk = Guid.NewGuid();
        var u = Guid.NewGuid();
        string script = $"label: gpt\nlabel-id: {disk}\nfirst-lba: 34\n" +
                        $"start=2048, size=8192, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F, uuid={u}, name=\"swap space\", attrs=\"RequiredPartition GUID:63\"\n" +
                        "start=12288, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, name=data\n";
        string scriptPath = Path.Combine(_dir, "layout.sfdisk");
        File.WriteAllText(scriptPath, script);
        GptTestDisk.Runner.Run(new HostTool("sh", "dash"), ["-c", $"sfdisk --no-reread --no-tell-kernel -q '{path}' < '{scriptPath}'"]);

        using var device = new FileBlockDevice(path, writable: false);
        var read = GptReader.Read(device, path);
        Assert.AreEqual(disk, read.Table.DiskGUID);
        Assert.HasCount(2, read.Table.Partitions);
        var swap = read.Table.Partitions[0];
        Assert.AreEqual(2048L, swap.StartingLBA);
        Assert.AreEqual(8192L, swap.SizeInLBA);
        Assert.AreEqual(u, swap.UniquePartitionGUID);
        Assert.AreEqual("swap space", swap.PartitionName);
        Assert.AreEqual(GptAttributes.RequiredPartition | GptAttributes.NoAuto, swap.Attributes);
        Assert.AreEqual(PartitionRoles.Find("swap")!.TypeGuid, swap.PartitionTypeGUID);
        AssertMatches(read.Table, GptTestDisk.SfdiskJson(path, 512));
    }

    internal static void AssertMatches(GptTable table, JsonElement json)
    {
        Assert.AreEqual("gpt", json.GetProperty("label").GetString());
        Assert.AreEqual(table.DiskGUID.ToString().ToUpperInvariant(), json.GetProperty("id").GetString());
        Assert.AreEqual(table.FirstUsableLBA, json.GetProperty("firstlba").GetInt64());
        Assert.AreEqual(table.LastUsableLBA, json.GetProperty("lastlba").GetInt64());
        if (json.TryGetProperty("sectorsize", out var ss))
            Assert.AreEqual(table.SectorSize, ss.GetInt32());
        var parts = json.GetProperty("partitions").EnumerateArray().ToList();
        Assert.HasCount(table.Partitions.Count, parts);
        for (int i = 0; i < parts.Count; i++)
        {
            var p = table.Partitions[i];
            var j = parts[i];
            StringAssert.EndsWith(j.GetProperty("node").GetString(), (p.Index + 1).ToString(CultureInfo.InvariantCulture));
            Assert.AreEqual(p.StartingLBA, j.GetProperty("start").GetInt64());
            Assert.AreEqual(p.SizeInLBA, j.GetProperty("size").GetInt64());
            Assert.AreEqual(p.PartitionTypeGUID.ToString().ToUpperInvariant(), j.GetProperty("type").GetString());
            Assert.AreEqual(p.UniquePartitionGUID.ToString().ToUpperInvariant(), j.GetProperty("uuid").GetString());
            string name = j.TryGetProperty("name", out var n) ? n.GetString()! : "";
            Assert.AreEqual(p.PartitionName, name);
        }
    }
}
