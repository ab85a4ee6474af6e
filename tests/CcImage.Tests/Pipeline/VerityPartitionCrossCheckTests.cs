// Verity partitions through the whole BuildBaseImage step, checked with the reference tools: the qcow2 passes
// qemu-img check, the GPT holds each data/hash pair with UUIDs taken from the root hash's halves (sfdisk), veritysetup
// verifies each pair (sibling partition and appended tree) against the root hash the stage record carries, and the
// file system is clean (e2fsck) and holds the Content files (debugfs). A rebuild with another empty cache gives the
// same bytes; editing one partition's folder rebuilds that partition only.
using System.Text.Json;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;

namespace CcImage.Tests.Pipeline;

[TestClass]
public class VerityPartitionCrossCheckTests
{
    private static readonly string[] ExpectedNames = ["config", "config-verity", "blob", "scratch"];
    private string _dir = "";

    [TestInitialize]
    public void Init()
    {
        _dir = TestPaths.NewTempDir("verity-pipeline");
        foreach (var (folder, file, text) in new[] { ("config", "site.conf", "port=8002\n"), ("blob", "data.txt", new string('x', 100_000)) })
        {
            Directory.CreateDirectory(Path.Combine(_dir, folder, "sub"));
            File.WriteAllText(Path.Combine(_dir, folder, "sub", file), text);
        }
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private ImageProject Project(string? cache = null, string outName = "out") => PipelineTestProject.Create(Path.Combine(_dir, outName),
    [
        PipelineTestProject.Partition("config", ("Content", Path.Combine(_dir, "config")), ("Protection", "verity")),
        PipelineTestProject.Partition("blob", ("Content", Path.Combine(_dir, "blob")), ("Protection", "verity"), ("VerityHash", "appended")),
        PipelineTestProject.Partition("scratch", ("Size", "8M")),
    ], cache);

    [TestMethod]
    public void BuildBaseImage_VerityPartitions_VerifyWithVeritysetup()
    {
        var project = Project();
        ImageBuilder.RunStep(project, BaseImageStep.Name, NullLog.Instance, default);
        var record = StageRecord.TryRead(Path.Combine(project.IntermediateDirectory, "stages", "BuildBaseImage.json"))!;
        string image = record.Image;
        QemuImg.AssertCheckClean(image);
        string raw = Path.Combine(_dir, "disk.raw");
        QemuImg.Must("convert", "-O", "raw", image, raw);

        var table = JsonDocument.Parse(RefTools.Run("sfdisk", "--json", raw).AssertSuccess("sfdisk").Output).RootElement
            .GetProperty("partitiontable").GetProperty("partitions").EnumerateArray().ToList();
        CollectionAssert.AreEqual(ExpectedNames, table.Select(p => p.GetProperty("name").GetString()).ToArray());

        string configHash = record.Partitions.Single(p => p.Name == "config").RootHash!;
        string blobHash = record.Partitions.Single(p => p.Name == "blob").RootHash!;
        Assert.AreEqual(Uuid(configHash[..32]), table[0].GetProperty("uuid").GetString()!.ToLowerInvariant());
        Assert.AreEqual(Uuid(configHash[^32..]), table[1].GetProperty("uuid").GetString()!.ToLowerInvariant());
        Assert.AreEqual(Uuid(blobHash[..32]), table[2].GetProperty("uuid").GetString()!.ToLowerInvariant());

        string config = Extract(raw, table[0], "config.img"), configVerity = Extract(raw, table[1], "config-verity.img");
        RefTools.Run("veritysetup", "verify", config, configVerity, configHash).AssertSuccess("veritysetup verify config");
        Assert.AreNotEqual(0, RefTools.Run("veritysetup", "verify", config, configVerity, new string('0', 64)).ExitCode);
        RefTools.Run("e2fsck", "-fn", config).AssertSuccess("e2fsck config");
        StringAssert.Contains(RefTools.Run("debugfs", "-R", "cat /sub/site.conf", config).Output, "port=8002");

        // The appended tree: ext4 first, the verity superblock and tree after it, at the offset the data ends.
        string blob = Extract(raw, table[2], "blob.img");
        long offset = Ext4Bytes(blob);
        RefTools.Run("veritysetup", "verify", blob, blob, blobHash, $"--hash-offset={offset}").AssertSuccess("veritysetup verify blob");
    }

    [TestMethod]
    public void BuildBaseImage_OtherEmptyCache_SameBytes_AndOneEditRebuildsOnePartition()
    {
        var first = Project(outName: "a");
        ImageBuilder.RunStep(first, BaseImageStep.Name, NullLog.Instance, default);
        var second = Project(Path.Combine(_dir, "other-cache"), "b");
        ImageBuilder.RunStep(second, BaseImageStep.Name, NullLog.Instance, default);
        string a = Path.Combine(first.OutputDirectory, "nvcc_image.qcow2"), b = Path.Combine(second.OutputDirectory, "nvcc_image.qcow2");
        CollectionAssert.AreEqual(File.ReadAllBytes(a), File.ReadAllBytes(b));

        File.WriteAllText(Path.Combine(_dir, "config", "sub", "site.conf"), "port=9000\n");
        var log = new RecordingLog();
        ImageBuilder.RunStep(first, BaseImageStep.Name, log, default);
        Assert.HasCount(1, log.Infos.Where(m => m.StartsWith("Building partition", StringComparison.Ordinal)).ToList(), string.Join("\n", log.Infos));
        StringAssert.Contains(log.Infos.Single(m => m.StartsWith("Building partition", StringComparison.Ordinal)), "'config'");
    }

    private static string Uuid(string hex) => new Guid(Convert.FromHexString(hex), bigEndian: true).ToString("D");

    private string Extract(string raw, JsonElement partition, string name)
    {
        string path = Path.Combine(_dir, name);
        long start = partition.GetProperty("start").GetInt64() * 512, size = partition.GetProperty("size").GetInt64() * 512;
        using var input = File.OpenRead(raw);
        using var output = File.Create(path);
        input.Position = start;
        var buffer = new byte[1 << 20];
        for (long left = size; left > 0;)
        {
            int n = input.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
            output.Write(buffer, 0, n);
            left -= n;
        }
        return path;
    }

    /// <summary>The ext4 size from its superblock (block count × block size), as dumpe2fs reports it.</summary>
    private static long Ext4Bytes(string image)
    {
        string info = RefTools.Run("dumpe2fs", "-h", image).AssertSuccess("dumpe2fs").Output;
        long Field(string name) => long.Parse(info.Split('\n').Single(l => l.StartsWith(name + ":", StringComparison.Ordinal)).Split(':')[1].Trim(),
            System.Globalization.CultureInfo.InvariantCulture);
        return Field("Block count") * Field("Block size");
    }

    private sealed class RecordingLog : ILog
    {
        public List<string> Infos { get; } = [];
        public void Info(string message) => Infos.Add(message);
        public void Detail(string message) { }
        public void Warning(string code, string message) { }
    }
}
