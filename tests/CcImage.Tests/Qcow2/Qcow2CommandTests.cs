// `ccimage qcow2 convert/resize/info` run as a real process: results, exit codes and one-line errors.
using System.Text.Json;

namespace CcImage.Tests.Qcow2;

[TestClass]
public class Qcow2CommandTests
{
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("qcow2-cli");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void ConvertResizeInfo_RoundTrip_QemuAgrees()
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, "sparse-random", 4096);
        var convert = CcImageCli.Run("qcow2", "convert", raw, qcow2, "--cluster-size", "4K");
        Assert.AreEqual(0, convert.ExitCode, convert.StandardError);
        QemuImg.AssertCheckClean(qcow2);
        QemuImg.AssertIdentical(raw, qcow2);

        var resize = CcImageCli.Run("qcow2", "resize", qcow2, "+5G");
        Assert.AreEqual(0, resize.ExitCode, resize.StandardError);
        long expected = (new FileInfo(raw).Length + 511) / 512 * 512 + (5L << 30);
        Assert.AreEqual(expected, QemuImg.Info(qcow2).GetProperty("virtual-size").GetInt64());
        QemuImg.AssertCheckClean(qcow2);

        resize = CcImageCli.Run("qcow2", "resize", qcow2, "20G");
        Assert.AreEqual(0, resize.ExitCode, resize.StandardError);
        QemuImg.AssertCheckClean(qcow2);

        var info = CcImageCli.Run("qcow2", "info", qcow2);
        Assert.AreEqual(0, info.ExitCode, info.StandardError);
        var json = JsonDocument.Parse(info.StandardOutput).RootElement;
        var qemu = QemuImg.Info(qcow2);
        Assert.AreEqual(20L << 30, json.GetProperty("virtual-size").GetInt64());
        Assert.AreEqual(qemu.GetProperty("virtual-size").GetInt64(), json.GetProperty("virtual-size").GetInt64());
        Assert.AreEqual(4096, json.GetProperty("cluster-size").GetInt32());
        Assert.AreEqual(3, json.GetProperty("format-version").GetInt32());
        Assert.AreEqual(16, json.GetProperty("refcount-bits").GetInt32());
        Assert.AreEqual(new FileInfo(qcow2).Length, json.GetProperty("file-size").GetInt64());
        var map = QemuImg.Run("map", "--output=json", qcow2);
        long dataBytes = JsonDocument.Parse(map.StandardOutput).RootElement.EnumerateArray()
            .Where(e => e.GetProperty("data").GetBoolean()).Sum(e => e.GetProperty("length").GetInt64());
        Assert.AreEqual(dataBytes / 4096, json.GetProperty("allocated-clusters").GetInt64());
    }

    [TestMethod]
    public void Convert_DefaultClusterSize_Is64K()
    {
        string raw = Path.Combine(_dir, "in.raw"), qcow2 = Path.Combine(_dir, "out.qcow2");
        RawShapes.Create(raw, "unaligned", 65536);
        Assert.AreEqual(0, CcImageCli.Run("qcow2", "convert", raw, qcow2).ExitCode);
        Assert.AreEqual(65536, QemuImg.Info(qcow2).GetProperty("cluster-size").GetInt32());
    }

    [TestMethod]
    [DataRow("convert", "missing.raw", "out.qcow2", "CCIMG1003")]
    [DataRow("convert", "in.raw", "out.qcow2", "CCIMG2015", "--cluster-size", "1000")]
    [DataRow("convert", "in.raw", "out.qcow2", "CCIMG1002", "--cluster-size", "lots")]
    [DataRow("resize", "image.qcow2", "1M", "CCIMG2014")]
    [DataRow("resize", "image.qcow2", "10000001", "CCIMG2017")]
    [DataRow("resize", "image.qcow2", "ten", "CCIMG1002")]
    [DataRow("resize", "in.raw", "+1M", "CCIMG2001")]
    [DataRow("info", "in.raw", null, "CCIMG2001")]
    [DataRow("info", "missing.qcow2", null, "CCIMG1003")]
    public void BadInput_ExitsNonZeroWithOneLine(string verb, string first, string? second, string code, params string[] extra)
    {
        string raw = Path.Combine(_dir, "in.raw"), image = Path.Combine(_dir, "image.qcow2");
        RawShapes.Create(raw, "unaligned", 65536);
        QemuImg.Must("create", "-f", "qcow2", image, "2M");
        var before = File.ReadAllBytes(image);
        var args = new List<string> { "qcow2", verb, Path.Combine(_dir, first) };
        if (second != null)
            args.Add(verb == "convert" ? Path.Combine(_dir, second) : second);
        args.AddRange(extra);

        var r = CcImageCli.Run([.. args]);
        Assert.AreNotEqual(0, r.ExitCode);
        var lines = r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, r.StandardError);
        StringAssert.StartsWith(lines[0], $"ccimage: {code}: ");
        CollectionAssert.AreEqual(before, File.ReadAllBytes(image));
        Assert.IsFalse(File.Exists(Path.Combine(_dir, "out.qcow2")));
        Assert.IsEmpty(Directory.GetFiles(_dir, "*.tmp-*"));
    }
}
