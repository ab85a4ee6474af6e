// samples/nvflare-client through the packed SDK against the fixture wheelhouse (no index), built once per run and read
// by every test here: the three stages' outputs and the manifest; the measurement of the hardened image; NVFlare of the
// configured version in the virtual environment of both NVFlare images and the site's application in the hardened one
// only, installed by the real pip from the wheelhouse; both NVFlare images grown to CcImageSize with the growth in the
// partition formatted at boot; the build's image tests passing every hardening rule, and the rules checked again here
// with debugfs and e2fsck; the input mount on this client image and no output mount. The boot tests are in
// NvflareClientBootTests.
using System.Text.Json;
using CcImage.Core.Hashing;

namespace CcImage.Tests.Nvflare;

[TestClass]
public sealed class NvflareClientSampleTests
{
    private static readonly Lazy<BuiltImage> Hardened = new(() => new BuiltImage(NvflareSample.Client.File("nvflare_cc_image_hardened.qcow2")),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<BuiltImage> Stage2 = new(() => new BuiltImage(NvflareSample.Client.File("nvflare_cc_image.qcow2")),
        LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly string[] ClientPartitions = ["root", "root-verity", "config", "config-verity", "data", "input", "dynamic"];

    public TestContext TestContext { get; set; } = null!;

    [ClassCleanup]
    public static void DeleteExtracted()
    {
        if (Hardened.IsValueCreated)
            Hardened.Value.Dispose();
        if (Stage2.IsValueCreated)
            Stage2.Value.Dispose();
    }

    [TestMethod]
    public void CleanBuild_WritesTheOutputsOfEveryStage_ListedInTheManifest()
    {
        var sample = NvflareSample.Client;
        TestContext.WriteLine($"clean build of samples/nvflare-client: {sample.Elapsed.TotalSeconds:F0} s");
        using var manifest = JsonDocument.Parse(File.ReadAllText(sample.File("manifest.json")));
        var listed = manifest.RootElement.GetProperty("artifacts").EnumerateArray()
            .ToDictionary(a => a.GetProperty("name").GetString()!, a => a);
        foreach (string name in new[]
                 {
                     "nvcc_image.qcow2", "nvflare_cc_image.qcow2", "nvflare_cc_image_hardened.qcow2", "vmlinuz", "initrd.img",
                     "OVMF.amdsev.fd", "expected-measurement.json",
                 })
        {
            Assert.IsTrue(listed.ContainsKey(name), $"manifest.json lists {name}");
            Assert.AreEqual(FileHash.Sha256Hex(sample.File(name)), listed[name].GetProperty("sha256").GetString(), name);
            Assert.AreEqual(new FileInfo(sample.File(name)).Length, listed[name].GetProperty("size").GetInt64(), name);
        }
        foreach (string image in new[] { "nvcc_image.qcow2", "nvflare_cc_image.qcow2", "nvflare_cc_image_hardened.qcow2" })
            QemuImg.AssertCheckClean(sample.File(image));
        StringAssert.Contains(sample.Log, "Image tests of nvflare_cc_image.qcow2");
        StringAssert.Contains(sample.Log, "Image tests of nvflare_cc_image_hardened.qcow2");
    }

    [TestMethod]
    public void Measurement_IsThatOfTheHardenedImage_ReproducedByCcimageMeasure()
    {
        var sample = NvflareSample.Client;
        using var json = JsonDocument.Parse(File.ReadAllText(sample.File("expected-measurement.json")));
        var m = json.RootElement;
        string Get(string name) => m.GetProperty(name).GetString()!;
        var cli = CcImageCli.Run("measure", "--mode", Get("mode"), "--vcpus", m.GetProperty("vcpus").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--vcpu-type", Get("vcpu_type"), "--vmm-type", Get("vmm_type"), "--guest-features", Get("guest_features"),
            "--ovmf", sample.File(Get("ovmf")), "--kernel", sample.File(Get("kernel")), "--initrd", sample.File(Get("initrd")),
            "--append=" + Get("cmdline")).AssertSuccess("ccimage measure");
        Assert.AreEqual(Get("measurement"), cli.StandardOutput.Trim());
        // The command line is the hardened image's: its verity root hashes and the kernel hardening.
        string hardenedCmdline = File.ReadAllText(Path.Combine(sample.Stages, "HardenImage.cmdline")).Trim();
        Assert.AreEqual(hardenedCmdline, Get("cmdline"));
        StringAssert.Contains(Get("cmdline"), "lockdown=confidentiality");
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(sample.Stages, "HardenImage.json")));
        foreach (var p in record.RootElement.GetProperty("partitions").EnumerateArray())
            if (p.TryGetProperty("rootHash", out var hash))
                StringAssert.Contains(Get("cmdline"), $"ccimage.verity.{p.GetProperty("name").GetString()}={hash.GetString()}");
    }

    [TestMethod]
    public void InstalledNvflare_IsTheConfiguredVersion_FromTheWheelhouseWithNoIndex()
    {
        var sample = NvflareSample.Client;
        foreach (var image in new[] { Stage2.Value, Hardened.Value })
        {
            string venv = "/opt/nvflare/venv";
            string config = image.Cat("root", venv + "/pyvenv.cfg") ?? "";
            StringAssert.Contains(config, "version = 3.11", $"{image.Path}: the venv has bookworm's Python 3.11");
            string sitePackages = venv + "/lib/python3.11/site-packages";
            var names = image.List("root", sitePackages);
            CollectionAssert.Contains(names.ToList(), $"nvflare-{FixtureWheelhouse.NvflareVersion}.dist-info", image.Path);
            Assert.AreEqual(1, names.Count(n => n.StartsWith("nvflare-", StringComparison.Ordinal)), string.Join(", ", names));
            StringAssert.Contains(image.Cat("root", $"{sitePackages}/nvflare-{FixtureWheelhouse.NvflareVersion}.dist-info/METADATA"),
                $"Version: {FixtureWheelhouse.NvflareVersion}\n");
            StringAssert.Contains(image.Cat("root", $"{sitePackages}/nvflare/__init__.py"), $"__version__ = \"{FixtureWheelhouse.NvflareVersion}\"");
            // pip installed by pip: its INSTALLER file, and no bytecode (the tree packs to the same bytes every time).
            Assert.AreEqual("pip", image.Cat("root", $"{sitePackages}/nvflare-{FixtureWheelhouse.NvflareVersion}.dist-info/INSTALLER")?.Trim());
            Assert.IsFalse(image.List("root", $"{sitePackages}/nvflare").Contains("__pycache__"), "no bytecode in the image");
        }
        string app = $"{FixtureWheelhouse.AppModule}-{FixtureWheelhouse.AppVersion}.dist-info";
        CollectionAssert.Contains(Hardened.Value.List("root", "/opt/nvflare/venv/lib/python3.11/site-packages").ToList(), app,
            "HardenImage installs the site's requirements");
        CollectionAssert.DoesNotContain(Stage2.Value.List("root", "/opt/nvflare/venv/lib/python3.11/site-packages").ToList(), app,
            "InstallNvflare installs NVFlare alone");

        // The real pip path: no index, the wheelhouse as --find-links, pip's own lines streamed into the build log.
        StringAssert.Contains(sample.Log, "pip: Looking in links: /tmp/ccimage-stage/wheelhouse");
        StringAssert.Contains(sample.Log, $"pip: Processing /tmp/ccimage-stage/wheelhouse/nvflare-{FixtureWheelhouse.NvflareVersion}-py3-none-any.whl");
        Assert.DoesNotContain("Looking in indexes", sample.Log, "pip asks no index (--no-index)");
        StringAssert.Contains(sample.Log, $"Successfully installed nvflare-{FixtureWheelhouse.NvflareVersion}");
        StringAssert.Contains(sample.Log, $"Successfully installed {FixtureWheelhouse.AppName}-{FixtureWheelhouse.AppVersion}");
        StringAssert.Contains(sample.Log, $"nvflare {FixtureWheelhouse.NvflareVersion}", "the build's import check names the version");
    }

    [TestMethod]
    public void ImageSize_IsCcImageSize_TheGrowthGoesToThePartitionFormattedAtBoot()
    {
        var sample = NvflareSample.Client;
        foreach (var image in new[] { Stage2.Value, Hardened.Value })
        {
            Assert.AreEqual(NvflareSample.ImageSizeBytes, QemuImg.Info(image.Path).GetProperty("virtual-size").GetInt64(), image.Path);
            var last = image.Gpt.Partitions.OrderBy(p => p.StartingLBA).Last();
            Assert.AreEqual("dynamic", last.PartitionName, image.Path);
            Assert.AreEqual(image.Gpt.LastUsableLBA, last.EndingLBA, "the last partition reaches the end of the grown disk");
            long bytes = (last.EndingLBA - last.StartingLBA + 1) * image.Gpt.SectorSize;
            Assert.IsGreaterThan(1L << 30, bytes, $"the dynamic partition ({bytes} bytes) took the growth beyond its 1G");
            Assert.IsFalse(image.HasData("dynamic"), "the dynamic partition is formatted at boot: the image holds nothing there");
        }
        // The base image is not grown: its dynamic partition has the 1G of CcDynamicPartitionSize.
        using var baseImage = new BuiltImage(sample.File("nvcc_image.qcow2"));
        Assert.IsLessThan(NvflareSample.ImageSizeBytes, QemuImg.Info(baseImage.Path).GetProperty("virtual-size").GetInt64());
        var baseDynamic = baseImage.Partition("dynamic");
        Assert.AreEqual((1L << 30) / baseImage.Gpt.SectorSize, baseDynamic.EndingLBA - baseDynamic.StartingLBA + 1);
        // The growth went to the dynamic partition: it is larger than its assembled 1G by what the image grew, plus at
        // most the alignment slack (under 1 MiB) the assembled disk had after it.
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(sample.Stages, "InstallNvflare.resize.json")));
        long growth = NvflareSample.ImageSizeBytes - record.RootElement.GetProperty("AssembledSize").GetInt64();
        var stage2Dynamic = Stage2.Value.Partition("dynamic");
        long grown = (stage2Dynamic.EndingLBA - stage2Dynamic.StartingLBA + 1 - (baseDynamic.EndingLBA - baseDynamic.StartingLBA + 1)) * baseImage.Gpt.SectorSize;
        TestContext.WriteLine($"image grown by {growth} bytes, its dynamic partition by {grown}");
        Assert.IsGreaterThanOrEqualTo(growth, grown);
        Assert.IsLessThan(growth + (1L << 20), grown);
    }

    [TestMethod]
    public void ImageTests_OfTheBuild_PassEveryHardeningRule()
    {
        var sample = NvflareSample.Client;
        string line = sample.Log.Split('\n').Single(l => l.Contains("Image tests of nvflare_cc_image_hardened.qcow2", StringComparison.Ordinal));
        foreach (string rule in new[]
                 {
                     "partitions for role client: root, root-verity, config, config-verity, data, input, dynamic",
                     "data mounts of a client image: input yes, output no", "the kernel command line carries the kernel hardening",
                     "nvflare 2.7.0 in the virtual environment", "service account nvflare:nvflare without a login shell",
                     "the hardening script is in the image as the build ran it", "no ssh server, no sudo", "root locked with no login shell",
                     "no account with a password or a login shell", "no getty or serial login on any console, no rescue or debug shell",
                     "kernel and sysctl hardening", "core dumps off for every process and service",
                     "removable storage and other file systems cannot be loaded", "no set-user-ID or set-group-ID program",
                     "nftables drops by default in and out and opens only the CcAllowedPort items", "the firewall is loaded at boot",
                     "no mount but the partitions the init mounts", "the site service nvflare-site.service runs as nvflare behind the firewall",
                     "'input' is empty until the VM formats it", "'dynamic' is empty until the VM formats it",
                 })
            StringAssert.Contains(line, rule);
        Assert.IsTrue(File.Exists(Path.Combine(sample.Directory, "obj", "Debug", "tests", "HardenImage.passed")));
    }

    [TestMethod]
    public void HardenedRoot_ReadWithDebugfs_IsLockedDown()
    {
        var image = Hardened.Value;
        var fsck = image.Fsck("root");
        Assert.AreEqual(0, fsck.ExitCode, fsck.Output);

        // No ssh server, no sudo: neither the programs nor the packages.
        foreach (string program in new[] { "/usr/sbin/sshd", "/usr/bin/sudo", "/usr/sbin/dropbear" })
            Assert.IsNull(image.Stat("root", program), $"{program} is in the image");
        // su stays (util-linux), but without its set-user-ID bit it cannot change the user.
        Assert.AreEqual(0, (image.Stat("root", "/usr/bin/su")?.Mode ?? 0) & 0xC00, "/usr/bin/su has no set-id bit");
        string status = image.Cat("root", "/var/lib/dpkg/status") ?? "";
        StringAssert.Contains(status, "Package: systemd\n", "the dpkg database is readable");
        foreach (string package in new[] { "openssh-server", "sudo", "dropbear" })
            Assert.DoesNotContain($"Package: {package}\n", status);

        // Root locked, no shell; every account without a password.
        var shadow = (image.Cat("root", "/etc/shadow") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')).ToList();
        Assert.StartsWith("!", shadow.Single(f => f[0] == "root")[1], "root's password is locked");
        Assert.IsTrue(shadow.All(f => f[1].StartsWith('!') || f[1].StartsWith('*')), "no account has a usable password");
        var passwd = (image.Cat("root", "/etc/passwd") ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')).ToList();
        Assert.AreEqual("/usr/sbin/nologin", passwd.Single(f => f[0] == "root")[6]);
        Assert.AreEqual("/usr/sbin/nologin", passwd.Single(f => f[0] == "nvflare")[6]);

        // No getty: masked (a link to /dev/null), the generator too, nothing in getty.target.wants.
        foreach (string unit in new[] { "getty@.service", "serial-getty@.service", "console-getty.service", "getty.target", "rescue.service", "emergency.service", "debug-shell.service" })
            Assert.AreEqual("/dev/null", image.Stat("root", "/etc/systemd/system/" + unit)?.Link, $"{unit} is masked");
        Assert.AreEqual("/dev/null", image.Stat("root", "/etc/systemd/system-generators/systemd-getty-generator")?.Link);
        Assert.IsEmpty(image.List("root", "/etc/systemd/system/getty.target.wants"));

        // Kernel and sysctl hardening.
        string sysctl = image.Cat("root", "/etc/sysctl.d/90-ccimage-hardening.conf") ?? "";
        foreach (string setting in new[] { "kernel.kptr_restrict = 2", "kernel.dmesg_restrict = 1", "fs.suid_dumpable = 0", "kernel.core_pattern = |/bin/false", "kernel.sysrq = 0" })
            StringAssert.Contains(sysctl, setting + "\n");
        StringAssert.Contains(image.Cat("root", "/etc/security/limits.d/90-ccimage-hardening.conf"), "* hard core 0");

        // The firewall: default drop in both directions, the client's two outbound ports, loaded at sysinit.
        string rules = image.Cat("root", "/etc/nftables.conf") ?? "";
        StringAssert.Contains(rules, "chain input {\n\t\ttype filter hook input priority filter; policy drop;");
        StringAssert.Contains(rules, "chain output {\n\t\ttype filter hook output priority filter; policy drop;");
        StringAssert.Contains(rules, "chain forward {\n\t\ttype filter hook forward priority filter; policy drop;");
        StringAssert.Contains(rules, "tcp dport 8002 ct state new accept");
        StringAssert.Contains(rules, "tcp dport 8003 ct state new accept");
        string input = rules[rules.IndexOf("chain input", StringComparison.Ordinal)..rules.IndexOf("chain forward", StringComparison.Ordinal)];
        Assert.DoesNotContain("dport 80", input, "a client opens no inbound port");
        Assert.AreEqual("/usr/lib/systemd/system/nftables.service", image.Stat("root", "/etc/systemd/system/sysinit.target.wants/nftables.service")?.Link);

        // The hardening script, kept for audit: root's, executable, the one that names this image's values.
        var script = image.Stat("root", "/opt/flare/scripts/system_hardening.sh");
        Assert.IsNotNull(script);
        Assert.AreEqual(("regular", 0, 0), (script.Value.Type, script.Value.Uid, script.Value.Gid));
        Assert.AreEqual(0x1ED, script.Value.Mode & 0xFFF, "mode 0755");
        string text = image.Cat("root", "/opt/flare/scripts/system_hardening.sh") ?? "";
        StringAssert.StartsWith(text, "#!/bin/sh\n");
        StringAssert.Contains(text, "CC_ROLE='client'\n");
        StringAssert.Contains(text, "CC_ALLOWED_OUT='tcp/8002 tcp/8003'\n");

        // No mount but the init's: an empty fstab; the site runs as its account, behind the firewall.
        Assert.AreEqual("", string.Join("", (image.Cat("root", "/etc/fstab") ?? "").Split('\n').Select(l => l.Split('#')[0].Trim())));
        string unitText = image.Cat("root", "/usr/lib/systemd/system/nvflare-site.service") ?? "";
        StringAssert.Contains(unitText, "\nUser=nvflare\n");
        StringAssert.Contains(unitText, "Requires=nftables.service");
        Assert.AreEqual("/usr/lib/systemd/system/nvflare-site.service", image.Stat("root", "/etc/systemd/system/multi-user.target.wants/nvflare-site.service")?.Link);
    }

    [TestMethod]
    public void DataMounts_TheClientImageHasTheInputMountOnly_EncryptedWithAKeyFile()
    {
        var sample = NvflareSample.Client;
        var image = Hardened.Value;
        CollectionAssert.AreEqual(ClientPartitions, image.PartitionNames.ToList());
        using var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(sample.Stages, "HardenImage.json")));
        var partitions = record.RootElement.GetProperty("partitions").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p);
        Assert.AreEqual("/mnt/data/nvflare/input", partitions["input"].GetProperty("mountPoint").GetString());
        Assert.AreEqual("luks-keyfile", partitions["input"].GetProperty("protection").GetString());
        Assert.IsFalse(partitions.Values.Any(p => p.TryGetProperty("mountPoint", out var m) && m.GetString() == "/mnt/data/nvflare/output"));
        Assert.IsFalse(image.HasData("input"), "the input partition is formatted with the launch key at first boot");
        Assert.AreEqual("directory", image.Stat("root", "/mnt/data/nvflare/input")?.Type, "the input mount point");
        Assert.IsNull(image.Stat("root", "/mnt/data/nvflare/output"), "a client image has no output mount point");
        // The stage-2 image has neither: the data mounts belong to the hardened image.
        CollectionAssert.DoesNotContain(Stage2.Value.PartitionNames.ToList(), "input");
    }
}
