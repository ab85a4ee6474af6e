// Bad input to `ccimage aci policygen`: an archive without the named image, a template without a container group,
// invalid JSON — each a CCIMG error with a non-zero exit, the template left as it was.
namespace CcImage.Tests.Aci;

[TestClass]
public sealed class PolicyGenErrorTests
{
    private static (ProcessResult Result, string Before, string After) Run(Action<string> prepare)
    {
        string dir = TestPaths.NewTempDir("policygen-bad");
        try
        {
            PolicyFixture.Write(dir, 1, out _);
            prepare(dir);
            string before = File.ReadAllText(Path.Combine(dir, "template.json"));
            var result = CcImageCli.RunIn(dir, "aci", "policygen", "-a", "template.json", "--tar", "map.json", "-y");
            return (result, before, File.ReadAllText(Path.Combine(dir, "template.json")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static void AssertRefused(string code, (ProcessResult Result, string Before, string After) run)
    {
        Assert.AreNotEqual(0, run.Result.ExitCode);
        StringAssert.Contains(run.Result.StandardError, code);
        Assert.AreEqual("", run.Result.StandardOutput);
        Assert.AreEqual(run.Before, run.After);
    }

    [TestMethod]
    public void PolicyGen_ArchiveWithoutTheImage_FailsWithImageMissing()
    {
        AssertRefused("CCIMG6519", Run(dir =>
        {
            string map = File.ReadAllText(Path.Combine(dir, "map.json"));
            var other = Path.Combine(dir, "other.tar");
            PolicyFixture.WriteImage(other, "someone/else:1", 3, oci: false, new Random(3));
            File.WriteAllText(Path.Combine(dir, "map.json"), System.Text.RegularExpressions.Regex.Replace(map, "img0.tar", "other.tar"));
        }));
    }

    [TestMethod]
    public void PolicyGen_TemplateWithoutContainerGroup_FailsWithNoContainerGroup()
    {
        AssertRefused("CCIMG6510", Run(dir => File.WriteAllText(Path.Combine(dir, "template.json"),
            "{\"resources\": [{\"type\": \"Microsoft.Storage/storageAccounts\", \"name\": \"x\"}]}")));
    }

    [TestMethod]
    public void PolicyGen_InvalidJson_FailsWithJsonInvalid()
    {
        AssertRefused("CCIMG6514", Run(dir => File.WriteAllText(Path.Combine(dir, "template.json"), "{\"resources\": [")));
    }

    [TestMethod]
    public void PolicyGen_TruncatedLayer_FailsWithLayerTruncated()
    {
        AssertRefused("CCIMG6502", Run(dir =>
        {
            string path = Path.Combine(dir, "img0.tar");
            PolicyFixture.WriteImage(path, "x/y:1", 9, oci: false, new Random(9));
            // Keep the archive readable but cut the first layer: rewrite it with a short layer entry.
            var entries = new List<(string Name, byte[] Data)>();
            using (var reader = new System.Formats.Tar.TarReader(File.OpenRead(path)))
                while (reader.GetNextEntry() is { } e)
                {
                    var ms = new MemoryStream();
                    e.DataStream?.CopyTo(ms);
                    entries.Add((e.Name, ms.ToArray()));
                }
            using (var f = File.Create(path))
            {
                var w = new TestTarWriter(f);
                foreach (var (name, data) in entries)
                    w.Add((byte)'0', name, name.EndsWith("layer.tar", StringComparison.Ordinal) ? data[..(data.Length / 2 + 3)] : data);
                w.Finish();
            }
            File.WriteAllText(Path.Combine(dir, "template.json"), "{\"resources\": [{\"type\": \"Microsoft.ContainerInstance/containerGroups\", " +
                "\"name\": \"g\", \"properties\": {\"containers\": [{\"name\": \"c\", \"properties\": {\"image\": \"x/y:1\"}}]}}]}");
            File.WriteAllText(Path.Combine(dir, "map.json"), "{\"x/y:1\": \"img0.tar\"}");
        }));
    }
}
