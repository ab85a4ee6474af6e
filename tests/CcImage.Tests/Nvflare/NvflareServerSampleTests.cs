// samples/nvflare-server through the packed SDK against the fixture wheelhouse, built once per run in the stage cache
// the client shares (the base root filesystem and NVFlare's tree come from the cache; the hardened tree is the
// server's own), then booted under QEMU (TCG): the server layout (the output mount, no input mount, no data partition,
// job_store_key on the config partition), its firewall opening exactly its two inbound ports, and at boot the site
// listening on those ports only, answering the test through them with the versions it imports and the output folder
// it wrote to.
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace CcImage.Tests.Nvflare;

[TestClass]
public sealed class NvflareServerSampleTests
{
    private static readonly string[] ServerPartitions = ["root", "root-verity", "config", "config-verity", "output", "dynamic"];

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Build_ReusesTheCachedTrees_AndWritesTheServerLayout()
    {
        var sample = NvflareSample.Server;
        TestContext.WriteLine($"build of samples/nvflare-server: {sample.Elapsed.TotalSeconds:F0} s");
        foreach (string name in new[] { "nvcc_image.qcow2", "nvflare_cc_image.qcow2", "nvflare_cc_image_hardened.qcow2", "expected-measurement.json", "manifest.json" })
            Assert.IsTrue(File.Exists(sample.File(name)), name);
        QemuImg.AssertCheckClean(sample.File("nvflare_cc_image_hardened.qcow2"));
        Assert.AreEqual(NvflareSample.ImageSizeBytes, QemuImg.Info(sample.File("nvflare_cc_image_hardened.qcow2")).GetProperty("virtual-size").GetInt64());
        string line = sample.Log.Split('\n').Single(l => l.Contains("Image tests of nvflare_cc_image_hardened.qcow2", StringComparison.Ordinal));
        StringAssert.Contains(line, "partitions for role server: " + string.Join(", ", ServerPartitions));
        StringAssert.Contains(line, "data mounts of a server image: input no, output yes");
        StringAssert.Contains(line, "NVFlare's folders on the config partition: /opt/nvflare/config/startup, /opt/nvflare/config/site_conf, /opt/nvflare/config/job_store_key");

        using var image = new BuiltImage(sample.File("nvflare_cc_image_hardened.qcow2"));
        CollectionAssert.AreEqual(ServerPartitions, image.PartitionNames.ToList());
        Assert.AreEqual("directory", image.Stat("root", "/mnt/data/nvflare/output")?.Type, "the output mount point");
        Assert.IsNull(image.Stat("root", "/mnt/data/nvflare/input"), "a server image has no input mount point");
        string rules = image.Cat("root", "/etc/nftables.conf") ?? "";
        string input = rules[rules.IndexOf("chain input", StringComparison.Ordinal)..rules.IndexOf("chain forward", StringComparison.Ordinal)];
        string output = rules[rules.IndexOf("chain output", StringComparison.Ordinal)..];
        StringAssert.Contains(input, "policy drop;");
        StringAssert.Contains(input, "tcp dport 8002 ct state new accept");
        StringAssert.Contains(input, "tcp dport 8003 ct state new accept");
        StringAssert.Contains(output, "policy drop;");
        Assert.DoesNotContain("tcp dport", output, "a server opens no outbound port");
        StringAssert.Contains(image.Cat("root", "/opt/flare/scripts/system_hardening.sh"), "CC_ROLE='server'\n");
        Assert.IsNotNull(image.Stat("config", "/job_store_key"), "job_store_key on a server's config partition");
        Assert.AreEqual(0, image.Fsck("config").ExitCode);

        // The base root filesystem and NVFlare's tree came from the client's build in the same cache.
        Assert.DoesNotContain("Building the root filesystem", sample.Log);
        Assert.DoesNotContain("InstallNvflare: changing", sample.Log);
        StringAssert.Contains(sample.Log, "HardenImage: changing a copy of the previous stage's root tree", "the server's hardened tree is its own");
    }

    [TestMethod]
    public void Boot_TheServer_ListensOnItsDeclaredPortsOnly_WithTheOutputMount()
    {
        var sample = NvflareSample.Server;
        string work = TestPaths.NewTempDir("nvflare-server-boot");
        try
        {
            string disk = SiteVm.CopyHardenedImage(sample, work);
            var ports = FixtureSiteScripts.ServerPorts.ToDictionary(p => p, _ => SiteVm.FreePort());
            using var vm = SiteVm.Start(sample, disk, work, forwards: [.. ports.Select(p => $"hostfwd=tcp:127.0.0.1:{p.Value}-:{p.Key}")]);
            string? last = vm.WaitForAny([SiteVm.SiteReady, SiteVm.BootStopped], SiteVm.BootTimeout);
            TestContext.WriteLine($"boot to the site report: {vm.Started.Elapsed.TotalSeconds:F0} s\n{vm.Timeline}");
            Assert.AreEqual(SiteVm.SiteReady, last, vm.Console);
            foreach (string line in new[]
                     {
                         "ccimage: root verity ok", "ccimage: config verity ok", "ccimage: dynamic luks ephemeral ok",
                         "ccimage: firewall on, default drop (in: tcp/8002 tcp/8003; out: none)", "ccimage: logins none",
                         "ccimage: site nvflare-site.service active", "ccimage: listening tcp 8002 8003 udp 68",
                     })
                StringAssert.Contains(vm.Console, line);
            Assert.IsTrue(vm.Console.Split('\n').Any(l => l.StartsWith("ccimage: mount /mnt/data/nvflare/output rw ", StringComparison.Ordinal)), vm.Console);
            Assert.DoesNotContain("/mnt/data/nvflare/input", vm.Console, "a server image has no input mount");
            Assert.DoesNotContain("luks keyfile", vm.Console);
            Assert.DoesNotContain("login:", vm.Console);

            foreach (var (guest, host) in ports)
            {
                string banner = Banner(host, TimeSpan.FromMinutes(2));
                StringAssert.StartsWith(banner, $"{FixtureSiteScripts.Marker} in nvflare {FixtureWheelhouse.NvflareVersion} app {FixtureWheelhouse.AppVersion} "
                    + "python 3.11 prefix /opt/nvflare/venv input absent output mounted-rw-readable output-written yes user ", $"port {guest}");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The first line the guest sends through the forwarded port (QEMU accepts at once and closes when the guest
    /// does not answer, so the test asks again until a line comes).</summary>
    private static string Banner(int port, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string last = "";
        while (clock.Elapsed < timeout)
        {
            try
            {
                using var client = new TcpClient();
                client.ReceiveTimeout = 10000;
                client.Connect("127.0.0.1", port);
                using var reader = new StreamReader(client.GetStream(), Encoding.UTF8);
                last = reader.ReadLine() ?? "";
                if (last.Length > 0)
                    return last;
            }
            catch (Exception e) when (e is IOException or SocketException)
            {
                last = e.Message;
            }
            Thread.Sleep(2000);
        }
        Assert.Fail($"nothing came through port {port}: {last}");
        return last;
    }
}
