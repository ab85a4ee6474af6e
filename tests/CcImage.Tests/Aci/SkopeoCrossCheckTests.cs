// The OCI archives `ccimage aci build` writes, read by skopeo through both of its archive transports: as an OCI
// layout (oci-archive:, what `docker load` of Docker 25+ reads) and as a docker save archive (docker-archive:,
// manifest.json, what older `docker load` reads), with the same config and layers.
using System.Text.Json.Nodes;
using CcImage.Core.Aci;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Aci;

[TestClass]
public sealed class SkopeoCrossCheckTests
{
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void Build_ImageArchive_SkopeoReadsItAsOciAndDockerArchive(bool ociBase)
    {
        string dir = TestPaths.NewTempDir("skopeo");
        try
        {
            PolicyFixture.WriteImage(Path.Combine(dir, "base.tar"), "python:3.11", 4, ociBase, new Random(4));
            string kit = Path.Combine(dir, "server1", "startup");
            Directory.CreateDirectory(kit);
            File.WriteAllText(Path.Combine(kit, "fed_server.json"), "{}");
            var result = AciBuilder.Build(new AciBuildRequest
            {
                OutputDirectory = Path.Combine(dir, "out"),
                BaseImageArchive = Path.Combine(dir, "base.tar"),
                ImageName = "myreg.azurecr.io/nvflare-server:1.0",
                StartupKitDirectory = Path.Combine(dir, "server1"),
                SourceDateEpoch = 1700000000,
            }, NullLog.Instance);

            var oci = JsonNode.Parse(RefTools.Run("skopeo", "inspect", "oci-archive:" + result.ImageArchive).AssertSuccess("oci-archive").StandardOutput)!;
            var docker = JsonNode.Parse(RefTools.Run("skopeo", "inspect", "docker-archive:" + result.ImageArchive).AssertSuccess("docker-archive").StandardOutput)!;
            Assert.AreEqual(oci["Layers"]!.ToJsonString(), docker["Layers"]!.ToJsonString());
            Assert.AreEqual("amd64", oci["Architecture"]!.GetValue<string>());
            Assert.AreEqual("2023-11-14T22:13:20Z", oci["Created"]!.GetValue<string>());
            var config = JsonNode.Parse(RefTools.Run("skopeo", "inspect", "--config", "oci-archive:" + result.ImageArchive).AssertSuccess("config").StandardOutput)!;
            Assert.AreEqual("/opt/nvflare/server1", config["config"]!["WorkingDir"]!.GetValue<string>());
            Assert.AreEqual(oci["Layers"]!.AsArray().Count, config["rootfs"]!["diff_ids"]!.AsArray().Count);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
