// The boot chain under QEMU (TCG, SeaBIOS, direct kernel boot): a good image checks every verity partition, formats
// and opens its LUKS2 partitions and reaches "system ready" with swap off and /tmp on tmpfs; one flipped byte in any
// verity data or hash area, or a wrong root hash, stops the boot and powers the machine off; a key file partition
// opens with its key and refuses another. LUKS2 headers are cross-checked with the host's cryptsetup.
using System.Text;
using CcImage.Core.Boot;
using CcImage.Core.Verity;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class BootChainQemuTests
{
    /// <summary>A failure limit, not a speed goal: TCG on a shared 2-core machine is slow (bench/ measures speed).</summary>
    private static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan PowerOffTimeout = TimeSpan.FromMinutes(2);
    private const string Line = "ccimage: ";
    private const string Stopped = "ccimage: boot stopped: ";
    private const string KeyName = "opt/ccimage/key/keyed";
    private const int LuksHeaderBytes = 16 << 20;

    /// <summary>Every console line of a good boot, in order (CONTRACT §5 plus the ready unit's).</summary>
    private static readonly string[] GoodBootLines =
    [
        "ccimage: root verity ok", "ccimage: config verity ok",
        "ccimage: dynamic luks ephemeral ok", "ccimage: keyed luks keyfile ok",
        "ccimage: handing over to /sbin/init",
        "ccimage: swap off", "ccimage: /tmp on tmpfs", "ccimage: system ready",
    ];

    private static readonly string[] RootFailedLines = ["ccimage: root verity FAILED"];

    private static string _work = "";
    private static BootTestImage _image = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static void BuildImage(TestContext _)
    {
        _work = TestPaths.NewTempDir("boot-chain");
        _image = BootTestImage.Build(BootRootFsFixture.Tree, _work);
    }

    [ClassCleanup]
    public static void RemoveImage()
    {
        if (_work.Length > 0)
            RefTools.Run("rm", "-rf", _work);
    }

    [TestMethod]
    public void Boot_GoodImage_ChecksEveryPartitionAndReachesSystemReady()
    {
        string disk = _image.WriteDisk(At("good.qcow2"));
        byte[] key = Key("good.key", out string keyFile);

        using (var vm = Boot(_image.CommandLine, disk, keyFile))
        {
            Assert.AreEqual(BootTestImage.ProbePrefix + "done", vm.WaitForAny([BootTestImage.ProbePrefix + "done", Stopped], BootTimeout), Explain(vm));
            Assert.IsTrue(vm.WaitForExit(PowerOffTimeout), "the probe powers the machine off\n" + Explain(vm));
            Report(vm, "good boot to system ready and power off");

            CollectionAssert.AreEqual(GoodBootLines, vm.LinesStartingWith(Line).ToList(), Explain(vm));

            var mounts = vm.LinesStartingWith(BootTestImage.ProbePrefix + "mount ")
                .Select(l => l[(BootTestImage.ProbePrefix.Length + "mount ".Length)..].Split(' '))
                .ToDictionary(f => f[0], f => (Device: f[1], Type: f[2], Options: f[3].Split(',')));
            Assert.HasCount(5, mounts, "exactly the declared partitions are mounted, and no swap:\n" + string.Join('\n', mounts.Keys));
            AssertMount(mounts, "/", "/dev/mapper/root", "ro");
            AssertMount(mounts, "/opt/nvflare/config", "/dev/mapper/config", "ro", "nodev", "nosuid", "noexec");
            AssertMount(mounts, "/opt/nvflare/dynamic", "/dev/mapper/dynamic", "rw", "nodev", "nosuid");
            AssertMount(mounts, "/opt/nvflare/keyed", "/dev/mapper/keyed", "rw", "nodev", "nosuid");
            Assert.StartsWith("/dev/vda", mounts["/opt/nvflare/data"].Device);
            AssertMount(mounts, "/opt/nvflare/data", mounts["/opt/nvflare/data"].Device, "rw", "nodev", "nosuid");
            CollectionAssert.Contains(vm.LinesStartingWith(BootTestImage.ProbePrefix).ToList(), BootTestImage.ProbePrefix + "seed " + BootTestImage.SeedText);
            CollectionAssert.Contains(vm.LinesStartingWith(BootTestImage.ProbePrefix).ToList(), BootTestImage.ProbePrefix + "run-ccimage absent");
            CollectionAssert.Contains(vm.LinesStartingWith(BootTestImage.ProbePrefix).ToList(),
                $"{BootTestImage.ProbePrefix}dynamic-owner {BootTestImage.DynamicOwner} {BootTestImage.DynamicMode}");
            Assert.DoesNotContain("verity FAILED", vm.Console);
        }

        // After the boot: both LUKS partitions carry a LUKS2 header (as the host's cryptsetup reads it); the launch key
        // opens the key file partition's header and another does not; neither the files written inside nor the launch
        // key are on the disk or in the initramfs in plain text.
        byte[] dynamic = _image.ReadPartition(disk, "dynamic", long.MaxValue);
        byte[] keyed = _image.ReadPartition(disk, "keyed", long.MaxValue);
        AssertLuks2(dynamic, "dynamic");
        string keyedHeader = SaveHeader(keyed, "keyed-header.img");
        AssertKeyOpens(keyedHeader, keyFile, expected: true);
        Key("other.key", out string otherKey);
        AssertKeyOpens(keyedHeader, otherKey, expected: false);
        AssertNotIn(dynamic, BootTestImage.DynamicMarker, "the dynamic partition");
        AssertNotIn(keyed, BootTestImage.KeyedMarker, "the keyed partition");
        AssertNotIn(File.ReadAllBytes(_image.Initrd), key, "the initramfs");
        AssertNotIn(keyed, key, "the keyed partition");
    }

    [TestMethod]
    public void Boot_KeyFilePartition_OpensWithItsKeyAndRefusesAnother()
    {
        // The key file partition formatted on the host by cryptsetup, as an operator would prepare it.
        Key("right.key", out string right);
        Key("wrong.key", out string wrong);
        string keyedImage = At("keyed-preformatted.img");
        using (var f = File.Create(keyedImage))
            f.SetLength(_image.Plan().Partitions.Single(p => p.Name == "keyed").Length);
        RefTools.Run("cryptsetup", "luksFormat", "--batch-mode", "--type", "luks2", "--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000",
            "--key-file", right, keyedImage).AssertSuccess("cryptsetup luksFormat");
        var images = new Dictionary<string, string>(_image.PartitionImages) { ["keyed"] = keyedImage };
        string disk = _image.WriteDisk(At("keyed.qcow2"), images: images);

        string firstDynamicUuid;
        using (var vm = Boot(_image.CommandLine, disk, right))
        {
            Assert.AreEqual("ccimage: keyed luks keyfile ok", vm.WaitForAny(["ccimage: keyed luks keyfile ok", Stopped], BootTimeout), Explain(vm));
            Report(vm, "boot to the key file partition");
        }
        firstDynamicUuid = LuksUuid(_image.ReadPartition(disk, "dynamic", LuksHeaderBytes), "dynamic");

        using (var vm = Boot(_image.CommandLine, disk, wrong))
        {
            Assert.AreEqual(Stopped, vm.WaitForAny([Stopped, "ccimage: keyed luks keyfile ok"], BootTimeout), Explain(vm));
            Assert.IsTrue(vm.WaitForExit(PowerOffTimeout), "the init powers the machine off\n" + Explain(vm));
            Report(vm, "boot with a wrong key until power off");
            StringAssert.Contains(vm.Console, Stopped + "keyed: the supplied key does not open the LUKS2 volume", Explain(vm));
            Assert.DoesNotContain("handing over", vm.Console);
        }
        string secondDynamicUuid = LuksUuid(_image.ReadPartition(disk, "dynamic", LuksHeaderBytes), "dynamic");
        Assert.AreNotEqual(firstDynamicUuid, secondDynamicUuid, "the ephemeral partition is formatted afresh at every boot");
    }

    public enum Tamper { RootData, RootHashTree, ConfigData, ConfigHashTree }

    [TestMethod]
    [DataRow(Tamper.RootData)]
    [DataRow(Tamper.RootHashTree)]
    [DataRow(Tamper.ConfigData)]
    [DataRow(Tamper.ConfigHashTree)]
    public void Boot_OneByteFlipped_StopsWithVerityFailedAndPowersOff(Tamper tamper)
    {
        var (partition, name, offset) = tamper switch
        {
            // The last data block: free space no normal boot reads, so only the full read finds it.
            Tamper.RootData => ("root", "root", _image.RootVerity.Layout.DataLength - 4096 + 123),
            // The last block of the tree's lowest level: it covers those same last data blocks.
            Tamper.RootHashTree => ("root-verity", "root", LastLevelZeroBlock(_image.RootVerity) + 8),
            Tamper.ConfigData => ("config", "config", 3 * 4096 + 7),
            Tamper.ConfigHashTree => ("config", "config", LastLevelZeroBlock(_image.ConfigVerity) + 8),
            _ => throw new ArgumentOutOfRangeException(nameof(tamper)),
        };
        string disk = _image.WriteDisk(At($"tampered-{tamper}.qcow2"), flip: (partition, offset));
        Key($"{tamper}.key", out string keyFile);

        using var vm = Boot(_image.CommandLine, disk, keyFile);
        Assert.AreEqual(Stopped, vm.WaitForAny([Stopped, "handing over"], BootTimeout), Explain(vm));
        Assert.IsTrue(vm.WaitForExit(PowerOffTimeout), "the init powers the machine off\n" + Explain(vm));
        Report(vm, $"boot with a flipped byte ({tamper}) until power off");
        CollectionAssert.Contains(vm.LinesStartingWith(Line).ToList(), $"ccimage: {name} verity FAILED", Explain(vm));
        StringAssert.Contains(vm.Console, Stopped + name + ":", Explain(vm));
        Assert.DoesNotContain("handing over", vm.Console);
    }

    [TestMethod]
    [DataRow(VerityCheck.Full)]
    [DataRow(VerityCheck.OnRead)]
    public void Boot_WrongRootHashOnCommandLine_StopsWithVerityFailedAndPowersOff(VerityCheck check)
    {
        string good = _image.RootHashes["root"];
        string wrongHash = good[..^1] + (good[^1] == '0' ? '1' : '0');
        string commandLine = _image.CommandLine.Replace("ccimage.verity.root=" + good, "ccimage.verity.root=" + wrongHash, StringComparison.Ordinal);
        Assert.AreNotEqual(_image.CommandLine, commandLine);
        string disk = _image.WriteDisk(At($"wrong-hash-{check}.qcow2"));
        Key($"wrong-hash-{check}.key", out string keyFile);

        using var vm = Boot(commandLine, disk, keyFile, check == VerityCheck.OnRead ? _image.InitrdOnRead : _image.Initrd);
        Assert.AreEqual(Stopped, vm.WaitForAny([Stopped, "handing over"], BootTimeout), Explain(vm));
        Assert.IsTrue(vm.WaitForExit(PowerOffTimeout), "the init powers the machine off\n" + Explain(vm));
        Report(vm, $"boot with a wrong root hash ({check}) until power off");
        CollectionAssert.AreEqual(RootFailedLines, vm.LinesStartingWith(Line).Where(l => !l.StartsWith(Stopped, StringComparison.Ordinal)).ToList(), Explain(vm));
        StringAssert.Contains(vm.Console, Stopped + "root:", Explain(vm));
    }

    private static long LastLevelZeroBlock(VerityFormatResult verity) =>
        (verity.Layout.LevelStartBlock[0] + verity.Layout.LevelBlockCount[0] - 1) * verity.Parameters.HashBlockSize;

    private static QemuVm Boot(string commandLine, string disk, string keyFile, string? initrd = null) =>
        QemuVm.Start(new QemuVm.Options(_image.Kernel, initrd ?? _image.Initrd, commandLine, disk)
        {
            FwCfgFiles = new Dictionary<string, string> { [KeyName] = keyFile },
        }, _work);

    private static string At(string name) => Path.Combine(_work, name);

    private static byte[] Key(string name, out string path)
    {
        path = At(name);
        byte[] key = System.Security.Cryptography.RandomNumberGenerator.GetBytes(64);
        File.WriteAllBytes(path, key);
        return key;
    }

    private void Report(QemuVm vm, string what) =>
        TestContext.WriteLine($"{what}: {vm.Started.Elapsed.TotalSeconds:F1} s\n{vm.Timeline}");

    private static string Explain(QemuVm vm)
    {
        string console = vm.Console;
        return $"\n--- console (last 6000 characters) ---\n{console[Math.Max(0, console.Length - 6000)..]}\n--- qemu ---\n{vm.QemuOutput}";
    }

    private static void AssertMount(Dictionary<string, (string Device, string Type, string[] Options)> mounts, string mountPoint,
        string device, params string[] options)
    {
        Assert.IsTrue(mounts.TryGetValue(mountPoint, out var mount), $"{mountPoint} is mounted");
        Assert.AreEqual(device, mount.Device, mountPoint);
        Assert.AreEqual("ext4", mount.Type, mountPoint);
        foreach (string option in options)
            CollectionAssert.Contains(mount.Options, option, $"{mountPoint} options {string.Join(',', mount.Options)}");
    }

    private static string SaveHeader(byte[] partition, string name)
    {
        string path = At(name);
        File.WriteAllBytes(path, partition);
        return path;
    }

    private static void AssertLuks2(byte[] partition, string name)
    {
        var dump = RefTools.Run("cryptsetup", "luksDump", SaveHeader(partition, name + "-header.img")).AssertSuccess("cryptsetup luksDump " + name);
        StringAssert.Matches(dump.StandardOutput, new System.Text.RegularExpressions.Regex(@"Version:\s+2\b"), name);
    }

    private static string LuksUuid(byte[] header, string name)
    {
        var dump = RefTools.Run("cryptsetup", "luksUUID", SaveHeader(header, name + "-uuid.img")).AssertSuccess("cryptsetup luksUUID " + name);
        return dump.StandardOutput.Trim();
    }

    private static void AssertKeyOpens(string header, string keyFile, bool expected)
    {
        var result = RefTools.Run("cryptsetup", "open", "--test-passphrase", "--key-file", keyFile, header);
        Assert.AreEqual(expected, result.ExitCode == 0, $"cryptsetup open --test-passphrase with {Path.GetFileName(keyFile)}: {result.Output}");
    }

    private static void AssertNotIn(byte[] haystack, string text, string where) => AssertNotIn(haystack, Encoding.ASCII.GetBytes(text), where);

    private static void AssertNotIn(byte[] haystack, byte[] needle, string where) =>
        Assert.IsLessThan(0, haystack.AsSpan().IndexOf(needle), $"found in plain text in {where}");
}
