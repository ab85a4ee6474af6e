// The hardened client image of samples/nvflare-client booted under QEMU (TCG) with its input key given at launch
// (fw_cfg), user networking and the fixture site, which reports to the test over the network: the site service starts
// with no login on any console, behind a firewall that drops by default (its one undeclared outbound connection never
// leaves the machine, the declared one reaches the test), listening on no port, with the input mount present and read-
// only, no output mount, nvflare and the site's application imported from the virtual environment at their configured
// versions, and the dynamic partition formatted over the size CcImageSize gave it. The first boot formats the input
// partition with the key (LUKS2, checked on the host with cryptsetup); a wrong key then stops the boot, and the right
// key opens the volume again. One first boot is shared by the tests; each boot takes one to three minutes here.
using System.Text.RegularExpressions;
using CcImage.Core.Inspection;

namespace CcImage.Tests.Nvflare;

[TestClass]
public sealed partial class NvflareClientBootTests
{
    private static readonly Lazy<FirstBoot> First = new(BootOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    public TestContext TestContext { get; set; } = null!;

    private sealed record FirstBoot(string Work, string Disk, string Key, string? Last, string Console, string Timeline,
        string? Report, string Undeclared, TimeSpan Elapsed);

    [TestMethod]
    public void Boot_WithTheInputKey_RunsTheSiteLockedDown()
    {
        var boot = First.Value;
        TestContext.WriteLine($"boot to the site report: {boot.Elapsed.TotalSeconds:F0} s\n{boot.Timeline}");
        Assert.AreEqual(SiteVm.SiteReady, boot.Last, boot.Console);
        foreach (string line in new[]
                 {
                     "ccimage: root verity ok", "ccimage: config verity ok", "ccimage: dynamic luks ephemeral ok",
                     "ccimage: input luks keyfile ok", "ccimage: handing over to /sbin/init",
                     "ccimage: firewall on, default drop (in: none; out: tcp/8002 tcp/8003)", "ccimage: logins none",
                     "ccimage: site nvflare-site.service active",
                     // Nothing listens: a client declares no inbound port, and the image runs no server of its own.
                     "ccimage: listening tcp none udp 68",
                 })
            StringAssert.Contains(boot.Console, line);
        Assert.DoesNotContain(SiteVm.BootStopped, boot.Console);
        Assert.IsFalse(LoginPrompt().IsMatch(boot.Console), "no login prompt on the console");
        Assert.IsTrue(boot.Console.Split('\n').Any(l => l.StartsWith("ccimage: mount /mnt/data/nvflare/input ro ", StringComparison.Ordinal)), boot.Console);
        Assert.DoesNotContain("/mnt/data/nvflare/output", boot.Console, "a client image has no output mount");
    }

    [TestMethod]
    public void Boot_TheSite_ImportsTheConfiguredVersions_AndOnlyItsDeclaredPortGoesOut()
    {
        var boot = First.Value;
        TestContext.WriteLine($"the site's report: {boot.Report}");
        Assert.IsNotNull(boot.Report, $"the fixture site reported nothing on the declared port 8002\n{boot.Console}");
        string expected = $"{FixtureSiteScripts.Marker} out {FixtureSiteScripts.DeclaredOutPort} nvflare {FixtureWheelhouse.NvflareVersion} "
                          + $"app {FixtureWheelhouse.AppVersion} python 3.11 prefix /opt/nvflare/venv input mounted-ro-readable output absent output-written no user ";
        StringAssert.StartsWith(boot.Report, expected);
        Assert.DoesNotContain(" user 0 ", boot.Report, "the site does not run as root");
        StringAssert.Contains(boot.Report, $"out-{FixtureSiteScripts.UndeclaredOutPort} blocked-", "the firewall stops the undeclared connection");
        Assert.AreEqual("", boot.Undeclared, "nothing reached the test on the undeclared port");
    }

    [TestMethod]
    public void Boot_TheResizedImage_FormatsTheWholeGrownDynamicPartition()
    {
        var boot = First.Value;
        var mount = MountLine().Match(boot.Console);
        Assert.IsTrue(mount.Success, boot.Console);
        long fileSystem = long.Parse(mount.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        long partition;
        using (var reader = new DiskImageReader(NvflareSample.Client.File("nvflare_cc_image_hardened.qcow2")))
        {
            var dynamic = reader.Find("dynamic")!;
            partition = (dynamic.EndingLBA - dynamic.StartingLBA + 1) * reader.Gpt.SectorSize;
        }
        TestContext.WriteLine($"dynamic partition {partition} bytes, its file system {fileSystem} bytes");
        Assert.IsGreaterThan(1L << 30, partition, "the partition took the growth beyond its 1G");
        // The file system spans the partition but for the LUKS2 header (16 MiB) and ext4's own metadata.
        Assert.IsLessThan(partition, fileSystem);
        Assert.IsGreaterThan(partition * 95 / 100 - (16L << 20), fileSystem, "the file system covers the grown partition");
    }

    [TestMethod]
    public void Boot_InputKey_FormatsLuks2_AWrongKeyStopsTheBoot_TheRightKeyOpensItAgain()
    {
        var boot = First.Value;
        Assert.AreEqual(SiteVm.SiteReady, boot.Last, boot.Console);
        string input = Path.Combine(boot.Work, "input.img");
        using (var reader = new DiskImageReader(boot.Disk))
            reader.Extract(reader.Find("input")!, input);
        string wrongKey = SiteVm.WriteKey(boot.Work, "wrong.key");
        try
        {
            // The reference tool reads the volume the first boot made: LUKS2, opened by the launch key only.
            var dump = ProcessResult.Run("cryptsetup", ["luksDump", input]);
            Assert.AreEqual(0, dump.ExitCode, dump.Output);
            StringAssert.Matches(dump.StandardOutput, new Regex(@"^Version:\s+2$", RegexOptions.Multiline));
            var right = ProcessResult.Run("cryptsetup", ["open", "--test-passphrase", "--key-file", boot.Key, input]);
            Assert.AreEqual(0, right.ExitCode, right.Output);
            var wrong = ProcessResult.Run("cryptsetup", ["open", "--test-passphrase", "--key-file", wrongKey, input]);
            Assert.AreNotEqual(0, wrong.ExitCode, "cryptsetup opens the input volume with a key that is not the launch key");
        }
        finally
        {
            File.Delete(input);
        }

        using (var vm = SiteVm.Start(NvflareSample.Client, boot.Disk, boot.Work, new Dictionary<string, string> { ["input"] = wrongKey }))
        {
            string? last = vm.WaitForAny([SiteVm.BootStopped, "ccimage: input luks keyfile ok", SiteVm.SiteReady], SiteVm.BootTimeout);
            TestContext.WriteLine($"boot with a wrong key: {vm.Started.Elapsed.TotalSeconds:F0} s\n{vm.Timeline}");
            Assert.AreEqual(SiteVm.BootStopped, last, vm.Console);
            StringAssert.Contains(vm.Console, "ccimage: boot stopped: input: the supplied key does not open the LUKS2 volume");
            Assert.IsTrue(vm.WaitForExit(TimeSpan.FromMinutes(1)), "the VM powers off after a stopped boot");
        }

        using (var vm = SiteVm.Start(NvflareSample.Client, boot.Disk, boot.Work, new Dictionary<string, string> { ["input"] = boot.Key }))
        {
            string? last = vm.WaitForAny([SiteVm.BootStopped, "ccimage: input luks keyfile ok"], SiteVm.BootTimeout);
            TestContext.WriteLine($"boot with the right key again: {vm.Started.Elapsed.TotalSeconds:F0} s\n{vm.Timeline}");
            Assert.AreEqual("ccimage: input luks keyfile ok", last, vm.Console);
        }
    }

    [ClassCleanup]
    public static void DeleteWork()
    {
        if (First.IsValueCreated && Directory.Exists(First.Value.Work))
            Directory.Delete(First.Value.Work, recursive: true);
    }

    private static FirstBoot BootOnce()
    {
        var sample = NvflareSample.Client;
        string work = TestPaths.NewTempDir("nvflare-client-boot");
        string disk = SiteVm.CopyHardenedImage(sample, work);
        string key = SiteVm.WriteKey(work, "input.key");
        using var declared = new LoopbackCollector();
        using var undeclared = new LoopbackCollector();
        using var vm = SiteVm.Start(sample, disk, work, new Dictionary<string, string> { ["input"] = key },
        [
            $"guestfwd=tcp:{FixtureSiteScripts.TestAddress}:{FixtureSiteScripts.DeclaredOutPort}-tcp:127.0.0.1:{declared.Port}",
            $"guestfwd=tcp:{FixtureSiteScripts.TestAddress}:{FixtureSiteScripts.UndeclaredOutPort}-tcp:127.0.0.1:{undeclared.Port}",
        ]);
        string? last = vm.WaitForAny([SiteVm.SiteReady, SiteVm.BootStopped], SiteVm.BootTimeout);
        var elapsed = vm.Started.Elapsed;
        string? report = last == SiteVm.SiteReady
            ? declared.WaitForLine($"{FixtureSiteScripts.Marker} out {FixtureSiteScripts.DeclaredOutPort} ", TimeSpan.FromMinutes(4))
            : null;
        return new FirstBoot(work, disk, key, last, vm.Console, vm.Timeline, report?.TrimEnd('\r'), undeclared.Received, elapsed);
    }

    [GeneratedRegex(@"login:\s*$", RegexOptions.Multiline)]
    private static partial Regex LoginPrompt();

    [GeneratedRegex(@"^ccimage: mount /opt/nvflare/dynamic rw (\d+)\r?$", RegexOptions.Multiline)]
    private static partial Regex MountLine();
}
