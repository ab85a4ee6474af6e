// Test helpers for the GPT and disk tests: build tables, write them to scratch files, run the reference tools
// (sgdisk, sfdisk, e2fsck, debugfs) and attach 4096-byte-sector files as loop devices for tools that cannot be told
// the sector size of a plain file.
using System.Globalization;
using System.Text.Json;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Gpt;
using CcImage.Core.Tools;

namespace CcImage.Tests.Gpt;

internal static class GptTestDisk
{
    public const long MiB = 1L << 20;

    public static readonly ToolRunner Runner = new(NullLog.Instance) { DefaultTimeout = TimeSpan.FromMinutes(2) };

    public static readonly HostTool Losetup = new("losetup", "mount");
    public static readonly HostTool E2fsck = new("e2fsck", "e2fsprogs");

    /// <summary>A table of <paramref name="count"/> partitions of <paramref name="partitionMiB"/> MiB at 1 MiB-aligned starts.</summary>
    public static GptTable Table(int count, int sectorSize, long partitionMiB = 1, long? diskBytes = null, ulong attributes = 0)
    {
        long align = MiB / sectorSize;
        var entries = new List<GptPartitionEntry>();
        long next = align;
        for (int i = 0; i < count; i++)
        {
            long sectors = partitionMiB * MiB / sectorSize - (i % 3); // some sizes not a whole MiB
            entries.Add(new GptPartitionEntry
            {
                Index = i,
                PartitionTypeGUID = PartitionRoles.All[i % PartitionRoles.All.Count].TypeGuid,
                UniquePartitionGUID = DerivedGuid.Partition("test", "p" + i),
                StartingLBA = next,
                EndingLBA = next + sectors - 1,
                Attributes = attributes,
                PartitionName = i % 2 == 0 ? "part-" + i : "Ünïcode ∂ " + i,
            });
            next += (sectors + align - 1) / align * align;
        }
        long bytes = diskBytes ?? (next + align) * sectorSize;
        return new GptTable(sectorSize, bytes / sectorSize, DerivedGuid.Disk("test-" + count), entries);
    }

    /// <summary>Writes <paramref name="table"/> to a new sparse file in <paramref name="dir"/>.</summary>
    public static string Write(GptTable table, string dir, string name = "disk.img")
    {
        string path = Path.Combine(dir, name);
        using (var f = new FileStream(path, FileMode.Create))
            f.SetLength(table.DiskSectors * table.SectorSize);
        using var device = new FileBlockDevice(path, writable: true);
        table.WriteTo(device);
        return path;
    }

    /// <summary>Runs <paramref name="tool"/> on <paramref name="image"/>; for 4096-byte sectors through a loop device.</summary>
    public static ToolResult RunOn(HostTool tool, string image, int sectorSize, Func<string, IEnumerable<string>> args,
        bool allowFailure = false)
    {
        if (sectorSize == 512)
            return Runner.Run(tool, args(image), allowFailure: allowFailure);
        string loop = Runner.Run(Losetup, ["-b", sectorSize.ToString(CultureInfo.InvariantCulture), "-f", "--show", image]).StandardOutput.Trim();
        try
        {
            return Runner.Run(tool, args(loop), allowFailure: allowFailure);
        }
        finally
        {
            Runner.Run(Losetup, ["-d", loop], allowFailure: true);
        }
    }

    public static string SgdiskVerify(string image, int sectorSize) =>
        RunOn(HostTool.Sgdisk, image, sectorSize, d => ["-v", d]).StandardOutput;

    /// <summary>Asserts that `sgdisk -v` finds no problems.</summary>
    public static void AssertSgdiskClean(string image, int sectorSize)
    {
        string output = SgdiskVerify(image, sectorSize);
        StringAssert.Contains(output, "No problems found", output);
        Assert.IsFalse(output.Contains("Warning", StringComparison.OrdinalIgnoreCase), output);
        Assert.IsFalse(output.Contains("Problem:", StringComparison.OrdinalIgnoreCase), output);
    }

    /// <summary>`sfdisk --json` parsed: the "partitiontable" object.</summary>
    public static JsonElement SfdiskJson(string image, int sectorSize)
    {
        string json = RunOn(HostTool.Sfdisk, image, sectorSize, d => ["--json", d]).StandardOutput;
        return JsonDocument.Parse(json).RootElement.GetProperty("partitiontable").Clone();
    }

    public static void AssertThrowsCode(string code, Action action)
    {
        var e = Assert.ThrowsExactly<CcImageException>(action);
        Assert.AreEqual(code, e.Code, e.ToString());
    }
}
