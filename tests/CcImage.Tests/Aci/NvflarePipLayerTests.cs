// The NVFlare layer installs from a local wheelhouse with no index (CcPipFindLinks): a minimal wheel named nvflare,
// built by the test, ends up in the image under CcNvflareHome/lib/pythonX.Y/site-packages, and the build records it
// on PYTHONPATH.
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using CcImage.Core.Aci;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Aci;

[TestClass]
public sealed class NvflarePipLayerTests
{
    private static void WriteWheelFixture(string wheelhouse, string version)
    {
        Directory.CreateDirectory(wheelhouse);
        string info = $"nvflare-{version}.dist-info";
        var files = new Dictionary<string, string>
        {
            ["nvflare/__init__.py"] = $"__version__ = \"{version}\"\n",
            [$"{info}/METADATA"] = $"Metadata-Version: 2.1\nName: nvflare\nVersion: {version}\n",
            [$"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: ccimage-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        };
        var record = new StringBuilder();
        foreach (var (name, text) in files)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            string hash = Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            record.Append(System.Globalization.CultureInfo.InvariantCulture, $"{name},sha256={hash},{bytes.Length}\n");
        }
        record.Append(System.Globalization.CultureInfo.InvariantCulture, $"{info}/RECORD,,\n");
        files[$"{info}/RECORD"] = record.ToString();
        using var zip = ZipFile.Open(Path.Combine(wheelhouse, $"nvflare-{version}-py3-none-any.whl"), ZipArchiveMode.Create);
        foreach (var (name, text) in files)
        {
            var entry = zip.CreateEntry(name);
            entry.LastWriteTime = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
            using var s = entry.Open();
            s.Write(Encoding.UTF8.GetBytes(text));
        }
    }

    [TestMethod]
    public void Build_WheelhouseFixture_PutsNvflareOnPythonPathInTheImage()
    {
        string dir = TestPaths.NewTempDir("nvflare-layer");
        try
        {
            WriteWheelFixture(Path.Combine(dir, "wheels"), "2.7.0");
            PolicyFixture.WriteImage(Path.Combine(dir, "base.tar"), "python:3.11", 6, oci: false, new Random(6));
            var request = new AciBuildRequest
            {
                OutputDirectory = Path.Combine(dir, "out"),
                BaseImageArchive = Path.Combine(dir, "base.tar"),
                ImageName = "myreg.azurecr.io/nvflare-server:2.7.0",
                NvflareVersion = "2.7.0",
                PipFindLinks = Path.Combine(dir, "wheels"),
                PythonVersion = "3.11",
                SourceDateEpoch = 1700000000,
            };
            var first = AciBuilder.Build(request, NullLog.Instance);
            var second = AciBuilder.Build(request with { OutputDirectory = Path.Combine(dir, "out2") }, NullLog.Instance);
            CollectionAssert.AreEqual(File.ReadAllBytes(first.ImageArchive), File.ReadAllBytes(second.ImageArchive));

            var config = JsonNode.Parse(RefTools.Run("skopeo", "inspect", "--config", "oci-archive:" + first.ImageArchive).AssertSuccess("config").StandardOutput)!;
            string site = "/opt/nvflare/lib/python3.11/site-packages";
            CollectionAssert.Contains(config["config"]!["Env"]!.AsArray().Select(e => e!.GetValue<string>()).ToList(), "PYTHONPATH=" + site);

            string unpacked = Path.Combine(dir, "unpacked");
            RefTools.Run("skopeo", "copy", "oci-archive:" + first.ImageArchive, "dir:" + unpacked).AssertSuccess("skopeo copy");
            var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(unpacked, "manifest.json")))!;
            string lastLayer = manifest["layers"]!.AsArray().Last()!["digest"]!.GetValue<string>()[7..];
            var listing = RefTools.Run("tar", "-tf", Path.Combine(unpacked, lastLayer)).AssertSuccess("tar -t").StandardOutput;
            StringAssert.Contains(listing, site.TrimStart('/') + "/nvflare/__init__.py");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
