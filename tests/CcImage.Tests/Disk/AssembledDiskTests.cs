// AssembledDisk and RawDiskWriter: a disk with an ext4 partition from a folder, a raw image partition and an empty one,
// written out sparse: the GPT verifies with sgdisk and reads back in sfdisk exactly as planned, each partition holds
// its content at its offset, and two builds from copies of the tree are byte-identical.
using System.Security.Cryptography;
using CcImage.Core.Disk;
using CcImage.Core.Gpt;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.Disk;

[TestClass]
public class AssembledDiskTests
{
    private const long MiB = 1L << 20;
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("assembled");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void WriteRaw_MixedPartitions_GptCleanAndContentsInPlace(int sectorSize)
    {
        string tree = Path.Combine(_dir, "tree");
        Ext4TestTree.Create(tree);
        string rawImage = Path.Combine(_dir, "blob.img");
        byte[] blob = RandomNumberGenerator.GetBytes(300 * 1024 + 123);
        File.WriteAllBytes(rawImage, blob);
        var plan = DiskLayout.Plan(
        [
            new PartitionSpec("esp") { Size = "2M", Role = "esp", Image = rawImage },
            new PartitionSpec("root") { Size = "24M", Role = "root", Content = tree, Attributes = "read-only" },
            new PartitionSpec("scratch") { Size = "*", Role = "linux-generic", Label = "Scratch space" },
        ], "assembled-test", totalSize: 40 * MiB, sectorSize: sectorSize);

        string disk = Path.Combine(_dir, "disk.raw");
        using (var assembled = DiskAssembler.Assemble(plan, Path.Combine(_dir, "work"), GptTestDisk.Runner, 1700000000))
            RawDiskWriter.Write(assembled, disk);

        Assert.AreEqual(40 * MiB, new FileInfo(disk).Length);
        GptTestDisk.AssertSgdiskClean(disk, sectorSize);
        SfdiskCrossCheckTests.AssertMatches(plan.ToGptTable(), GptTestDisk.SfdiskJson(disk, sectorSize));

        byte[] bytes = File.ReadAllBytes(disk);
        var esp = plan.Partitions[0];
        CollectionAssert.AreEqual(blob, bytes.AsSpan((int)esp.Offset, blob.Length).ToArray());
        Assert.IsLessThan(0, bytes.AsSpan((int)esp.Offset + blob.Length, (int)esp.Length - blob.Length).IndexOfAnyExcept((byte)0));

        var root = plan.Partitions[1];
        string extracted = Path.Combine(_dir, "root.ext4");
        File.WriteAllBytes(extracted, bytes.AsSpan((int)root.Offset, (int)root.Length).ToArray());
        Ext4TestTree.AssertFsckClean(extracted);
        StringAssert.Contains(Ext4TestTree.Debugfs(extracted, "ls -l /"), "hello.txt");
        StringAssert.Contains(Ext4TestTree.Debugfs(extracted, "stats"), "Filesystem UUID:          " + root.FileSystemUuid);

        var scratch = plan.Partitions[2];
        Assert.IsLessThan(0, bytes.AsSpan((int)scratch.Offset, (int)scratch.Length).IndexOfAnyExcept((byte)0));

        using var device = new FileBlockDevice(disk, writable: false);
        var read = GptReader.Read(device, disk);
        Assert.AreEqual(GptAttributes.ReadOnly, read.Table.Partitions[1].Attributes);
        Assert.AreEqual("Scratch space", read.Table.Partitions[2].PartitionName);
    }

    [TestMethod]
    public void WriteRaw_LargeEmptyPartition_StaysSparse()
    {
        var plan = DiskLayout.Plan([new PartitionSpec("big") { Size = "*" }], "sparse", totalSize: 512 * MiB);
        string disk = Path.Combine(_dir, "sparse.raw");
        using (var assembled = new AssembledDisk(plan, new Dictionary<int, string>()))
            RawDiskWriter.Write(assembled, disk);
        using var source = new RawFileSource(disk);
        long data = source.DataExtents().Sum(e => e.Length);
        Assert.IsLessThan(2 * MiB, data, "only the GPT regions are allocated");
        GptTestDisk.AssertSgdiskClean(disk, 512);
    }

    [TestMethod]
    public void ReadAt_AnyWindow_EqualsWrittenRawFile()
    {
        using var assembled = AssembleWindowsDisk(out byte[] whole);
        Assert.AreEqual(assembled.Length, whole.LongLength);
        var random = new Random(5);
        for (int i = 0; i < 200; i++)
        {
            long offset = random.NextInt64(assembled.Length + 4096);
            byte[] buffer = new byte[random.Next(1, 3 * 65536)];
            assembled.ReadAt(offset, buffer);
            for (int k = 0; k < buffer.Length; k++)
            {
                byte expected = offset + k < whole.Length ? whole[offset + k] : (byte)0;
                if (buffer[k] != expected)
                    Assert.Fail($"byte {offset + k} differs (window {offset}+{buffer.Length})");
            }
        }
        var extents = assembled.DataExtents().ToList();
        foreach (var (a, b) in extents.Zip(extents.Skip(1)))
            Assert.IsLessThanOrEqualTo(b.Offset, a.End, "extents ascend without overlap");
    }

    [TestMethod]
    public void TryMap_InsideOnePartitionImage_LendsTheDiskBytes_ElseNothing()
    {
        using var assembled = AssembleWindowsDisk(out byte[] whole);
        IDiskSource source = assembled;
        var c = assembled.Plan.Partitions[2];
        using (var window = source.TryMap(c.Offset + 513, 70000))
        {
            Assert.IsNotNull(window, "a range inside partition c's image is mapped");
            CollectionAssert.AreEqual(whole[(int)(c.Offset + 513)..(int)(c.Offset + 513 + 70000)], window.Memory.ToArray());
        }
        Assert.IsNull(source.TryMap(0, 4096), "the protective MBR and GPT header are not in a file");
        Assert.IsNull(source.TryMap(c.Offset - 512, 1024), "a range across a partition's start is read");
        Assert.IsNull(source.TryMap(c.Offset + MiB, 8192), "a range past the image inside its partition reads as zeros");
    }

    [TestMethod]
    public void Assemble_CopiesOfTreeAtDifferentTimes_GiveIdenticalDisks()
    {
        string original = Path.Combine(_dir, "original");
        Ext4TestTree.Create(original);
        var hashes = new List<byte[]>();
        for (int round = 0; round < 2; round++)
        {
            if (round == 1)
                Thread.Sleep(1100);
            string copy = Path.Combine(_dir, $"copy{round}", "nested" + round);
            Ext4TestTree.Copy(original, copy, keepMtime: true);
            var plan = DiskLayout.Plan([new PartitionSpec("data") { Content = copy }], "repro");
            string disk = Path.Combine(_dir, $"disk{round}.raw");
            using (var assembled = DiskAssembler.Assemble(plan, Path.Combine(_dir, $"work{round}"), GptTestDisk.Runner, 1700000000))
                RawDiskWriter.Write(assembled, disk);
            hashes.Add(SHA256.HashData(File.ReadAllBytes(disk)));
        }
        CollectionAssert.AreEqual(hashes[0], hashes[1]);
    }

    [TestMethod]
    public void New_ImageLargerThanPartition_ThrowsCcimg2112()
    {
        string imagePath = Path.Combine(_dir, "p.img");
        File.WriteAllBytes(imagePath, new byte[4096]);
        var plan = DiskLayout.Plan([new PartitionSpec("a") { Image = imagePath }], "grow");
        File.WriteAllBytes(imagePath, new byte[8192]);
        GptTestDisk.AssertThrowsCode("CCIMG2112", () => _ = new AssembledDisk(plan, new Dictionary<int, string> { [0] = imagePath }));
    }

    /// <summary>A disk of three partitions (a: a 1 MiB + 4 KiB image, b: empty, c: the same image in 3 MiB) and its
    /// bytes as RawDiskWriter writes them.</summary>
    private AssembledDisk AssembleWindowsDisk(out byte[] whole)
    {
        string imagePath = Path.Combine(_dir, "p.img");
        File.WriteAllBytes(imagePath, RandomNumberGenerator.GetBytes((int)MiB + 4096));
        var plan = DiskLayout.Plan(
            [new PartitionSpec("a") { Image = imagePath }, new PartitionSpec("b") { Size = "1M" }, new PartitionSpec("c") { Image = imagePath, Size = "3M" }],
            "windows");
        var assembled = new AssembledDisk(plan, new Dictionary<int, string> { [0] = imagePath, [2] = imagePath });
        string disk = Path.Combine(_dir, "w.raw");
        RawDiskWriter.Write(assembled, disk);
        whole = File.ReadAllBytes(disk);
        return assembled;
    }
}
