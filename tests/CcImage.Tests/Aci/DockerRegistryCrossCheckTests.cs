// `ccimage aci push` against a real registry (Debian's docker-registry, the CNCF distribution server) started on a
// loopback port for the test: the pushed image is what skopeo inspects, a second push uploads no blob, and a token
// given through an environment variable never reaches the log.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using CcImage.Core.Aci;
using CcImage.Core.Diagnostics;
using CcImage.Core.Registry;

namespace CcImage.Tests.Aci;

[TestClass]
public sealed class DockerRegistryCrossCheckTests
{
    private sealed class RecordingLog : ILog
    {
        public List<string> Lines { get; } = [];
        public void Info(string message) => Lines.Add(message);
        public void Detail(string message) => Lines.Add(message);
        public void Warning(string code, string message) => Lines.Add(message);
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static Process StartRegistry(string dir, int port)
    {
        string config = Path.Combine(dir, "registry.yml");
        File.WriteAllText(config, $"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {Path.Combine(dir, "data")}\nhttp:\n  addr: 127.0.0.1:{port}\n");
        var psi = new ProcessStartInfo("docker-registry") { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        psi.ArgumentList.Add("serve");
        psi.ArgumentList.Add(config);
        var process = Process.Start(psi)!;
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return process;
            }
            catch (SocketException)
            {
                Thread.Sleep(100);
            }
        }
        process.Kill();
        throw new TimeoutException("docker-registry did not start");
    }

    [TestMethod]
    public void Push_BuiltImage_SkopeoInspectsItAndASecondPushUploadsNothing()
    {
        string dir = TestPaths.NewTempDir("registry");
        int port = FreePort();
        using var registry = StartRegistry(dir, port);
        try
        {
            PolicyFixture.WriteImage(Path.Combine(dir, "base.tar"), "python:3.11", 8, oci: true, new Random(8));
            var build = AciBuilder.Build(new AciBuildRequest
            {
                OutputDirectory = Path.Combine(dir, "out"),
                BaseImageArchive = Path.Combine(dir, "base.tar"),
                ImageName = $"127.0.0.1:{port}/nvflare/server:1.0",
                SourceDateEpoch = 1700000000,
            }, NullLog.Instance);

            string variable = "CCIMG_TEST_REGISTRY_TOKEN_" + port.ToString(CultureInfo.InvariantCulture);
            const string Secret = "s3cr3t-token-value";
            Environment.SetEnvironmentVariable(variable, Secret);
            var log = new RecordingLog();
            var credentials = RegistryCredentials.From(null, variable, null);
            string reference = $"127.0.0.1:{port}/nvflare/server:1.0";
            var first = AciPush.Run(build.ImageArchive, reference, credentials, insecureHttp: true, log, CancellationToken.None);
            var second = AciPush.Run(build.ImageArchive, reference, credentials, insecureHttp: true, log, CancellationToken.None);
            Environment.SetEnvironmentVariable(variable, null);

            Assert.AreEqual(build.ManifestDigest, first.ManifestDigest);
            Assert.IsGreaterThan(0, first.BlobsUploaded);
            Assert.AreEqual(0, second.BlobsUploaded);
            Assert.AreEqual(first.BlobsUploaded + first.BlobsSkipped, second.BlobsSkipped);
            Assert.IsFalse(log.Lines.Any(l => l.Contains(Secret, StringComparison.Ordinal)));

            var inspect = RefTools.Run("skopeo", "inspect", "--tls-verify=false", "docker://" + reference).AssertSuccess("skopeo inspect");
            var info = JsonNode.Parse(inspect.StandardOutput)!;
            Assert.AreEqual(build.ManifestDigest, info["Digest"]!.GetValue<string>());
            var local = JsonNode.Parse(RefTools.Run("skopeo", "inspect", "oci-archive:" + build.ImageArchive).AssertSuccess("skopeo inspect archive").StandardOutput)!;
            Assert.AreEqual(local["Layers"]!.ToJsonString(), info["Layers"]!.ToJsonString());
        }
        finally
        {
            registry.Kill(entireProcessTree: true);
            registry.WaitForExit();
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void From_TokenInEnvironment_IsNeverShown()
    {
        Environment.SetEnvironmentVariable("CCIMG_TEST_TOKEN_SHOWN", "abc123");
        var credentials = RegistryCredentials.From("user", "CCIMG_TEST_TOKEN_SHOWN", null);
        Environment.SetEnvironmentVariable("CCIMG_TEST_TOKEN_SHOWN", null);
        Assert.IsTrue(credentials.HasToken);
        Assert.DoesNotContain("abc123", credentials.ToString());
    }

    [TestMethod]
    public void From_TokenVariableUnset_FailsWithTokenMissing()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => RegistryCredentials.From(null, "CCIMG_TEST_TOKEN_UNSET_VARIABLE", null));
        Assert.AreEqual("CCIMG6541", e.Code);
    }
}
