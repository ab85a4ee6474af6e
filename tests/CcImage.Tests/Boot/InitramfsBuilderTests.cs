// InitramfsBuilder on the boot fixture's Debian tree: the same inputs give the same bytes (also from a copy of the
// tree elsewhere), the archive holds only what the layout needs, the cache manifest changes with exactly what changes
// the bytes (or names the root tree's key and reads nothing), bad inputs are CCIMG errors, and cancellation leaves
// nothing behind.
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class InitramfsBuilderTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("initramfs");

    [TestCleanup]
    public void Cleanup() => RefTools.Run("rm", "-rf", _dir);

    private static BootRootFs Fixture => BootRootFsFixture.Tree;

    private InitramfsRequest Request(BootLayout? layout = null, string? tree = null, string name = "initrd.img") =>
        new(tree ?? Fixture.Folder, Fixture.KernelVersion, layout ?? BootTestImage.Layout, Path.Combine(_dir, name)) { SourceDateEpoch = 1700000000 };

    private static BootLayout VerityOnly => new([new BootPartition("root", "root", PartitionProtection.Verity, "/") { HashPartitionLabel = "root-verity" }]);

    private static BootLayout EphemeralOnly => new(
    [
        new BootPartition("root", "root", PartitionProtection.None, "/") { ReadOnly = true },
        new BootPartition("scratch", "scratch", PartitionProtection.LuksEphemeral, "/srv"),
    ]);

    [TestMethod]
    public void Build_TwiceAndFromACopiedTree_IdenticalBytesAndManifest()
    {
        var first = InitramfsBuilder.Build(Request(), NullLog.Instance);
        var second = InitramfsBuilder.Build(Request(name: "again.img"), NullLog.Instance);
        string copy = Fixture.CopyTo(Path.Combine(_dir, "copied-tree"));
        var third = InitramfsBuilder.Build(Request(tree: copy, name: "copy.img"), NullLog.Instance);

        CollectionAssert.AreEqual(File.ReadAllBytes(first.Path), File.ReadAllBytes(second.Path));
        CollectionAssert.AreEqual(File.ReadAllBytes(first.Path), File.ReadAllBytes(third.Path));
        Assert.AreEqual(first.Sha256, third.Sha256);
        Assert.AreEqual(first.Manifest.Json, third.Manifest.Json);
        Assert.AreEqual(first.Manifest.Key, InitramfsBuilder.Manifest(Request()).Key);
        Assert.HasCount(1, Directory.GetFiles(Path.GetDirectoryName(first.Path)!, "initrd.img*"), "no temp file left");
    }

    [TestMethod]
    public void Plan_FullLayout_HoldsTheToolsModulesAndLayoutFile()
    {
        var contents = InitramfsBuilder.Plan(Request());
        var files = contents.Selection.Files.Keys.ToList();
        foreach (string program in new[] { "usr/bin/busybox", "usr/sbin/veritysetup", "usr/sbin/cryptsetup", "usr/sbin/mke2fs" })
            CollectionAssert.Contains(files, program);
        Assert.IsTrue(contents.Selection.Links.ContainsKey("usr/lib/x86_64-linux-gnu/libcryptsetup.so.12"), "the soname link");
        Assert.IsTrue(files.Any(f => f.StartsWith("usr/lib/x86_64-linux-gnu/libcryptsetup.so.12.", StringComparison.Ordinal)), "the library it names");
        Assert.AreEqual("usr/lib64", contents.Selection.Links["lib64"]);
        var modules = contents.Modules.Select(m => m.Name).ToList();
        foreach (string module in new[] { "virtio_blk", "ext4", "crc32c_generic", "dm_verity", "dm_crypt", "xts", "ecb", "algif_skcipher", "qemu_fw_cfg" })
            CollectionAssert.Contains(modules, module);
        Assert.IsLessThan(modules.IndexOf("dm_verity"), modules.IndexOf("dm_mod"), "dependencies first");
        Assert.IsTrue(contents.Modules.Single(m => m.Name == "aesni_intel").Optional);
        Assert.AreEqual(BootLayoutFile.Write(BootTestImage.Layout), System.Text.Encoding.UTF8.GetString(contents.Generated[BootLayoutFile.ArchivePath]));
        CollectionAssert.AreEqual(BootAssets.InitScript, contents.Generated[InitramfsBuilder.InitPath]);
        foreach (string applet in InitramfsBuilder.Applets)
            Assert.AreEqual("busybox", contents.AppletLinks["usr/bin/" + applet]);
        string moduleList = System.Text.Encoding.UTF8.GetString(contents.Generated[InitramfsContents.ModuleListPath]);
        StringAssert.StartsWith(moduleList, "required /lib/modules/" + Fixture.KernelVersion + "/kernel/drivers/virtio/");
        StringAssert.Contains(moduleList, "optional /lib/modules/" + Fixture.KernelVersion + "/kernel/arch/x86/crypto/aesni-intel.ko\n");
    }

    [TestMethod]
    public void Plan_LayoutWithoutLuks_HasNoCryptsetupOrDmCrypt_AndWithoutVerity_NoVeritysetup()
    {
        var verity = InitramfsBuilder.Plan(Request(VerityOnly));
        Assert.IsTrue(verity.Selection.Files.ContainsKey("usr/sbin/veritysetup"));
        Assert.IsFalse(verity.Selection.Files.ContainsKey("usr/sbin/cryptsetup"));
        Assert.IsFalse(verity.Selection.Files.ContainsKey("usr/sbin/mke2fs"));
        Assert.IsFalse(verity.Modules.Any(m => m.Name is "dm_crypt"));

        var luks = InitramfsBuilder.Plan(Request(EphemeralOnly));
        Assert.IsFalse(luks.Selection.Files.ContainsKey("usr/sbin/veritysetup"));
        Assert.IsTrue(luks.Selection.Files.ContainsKey("usr/sbin/cryptsetup"));
        Assert.IsFalse(luks.Modules.Any(m => m.Name is "dm_verity"));
        // The fw_cfg reader is always there for an attestation token supplied at launch.
        Assert.IsTrue(luks.Modules.Any(m => m.Name == "qemu_fw_cfg"));
    }

    [TestMethod]
    public void Manifest_ChangesWithLayoutEpochAndModules_NotWithDestination()
    {
        string baseline = InitramfsBuilder.Manifest(Request()).Key;
        Assert.AreEqual(baseline, InitramfsBuilder.Manifest(Request(name: "elsewhere.img")).Key);
        Assert.AreNotEqual(baseline, InitramfsBuilder.Manifest(Request(VerityOnly)).Key);
        Assert.AreNotEqual(baseline, InitramfsBuilder.Manifest(Request() with { SourceDateEpoch = 1 }).Key);
        Assert.AreNotEqual(baseline, InitramfsBuilder.Manifest(Request() with { ExtraModules = ["nvme"] }).Key);
    }

    [TestMethod]
    public void Manifest_WithRootTreeKey_NamesTheKeyAndReadsNoTree()
    {
        var request = Request(tree: Path.Combine(_dir, "no-such-tree")) with { RootTreeKey = "tree-key-1" };
        var manifest = InitramfsBuilder.Manifest(request);
        StringAssert.Contains(manifest.Json, "\"root_tree_key\": \"tree-key-1\"");
        Assert.DoesNotContain("\"files\"", manifest.Json);
        StringAssert.Contains(manifest.Json, BootAssets.InitScriptHash);
        Assert.AreNotEqual(manifest.Key, InitramfsBuilder.Manifest(request with { RootTreeKey = "tree-key-2" }).Key);
        Assert.AreEqual(manifest.Key, InitramfsBuilder.Manifest(request with { Destination = Path.Combine(_dir, "other.img") }).Key);
    }

    [TestMethod]
    public void Build_BadInputs_ThrowCcimgErrors_AndWriteNothing()
    {
        void Throws(string code, InitramfsRequest request)
        {
            var e = Assert.ThrowsExactly<CcImageException>(() => InitramfsBuilder.Build(request, NullLog.Instance));
            Assert.AreEqual(code, e.Code, e.Message);
            Assert.IsFalse(File.Exists(request.Destination));
        }
        Throws("CCIMG5130", Request(tree: Path.Combine(_dir, "missing")));
        Throws("CCIMG5132", Request() with { KernelVersion = "9.9.9-none" });
        Throws("CCIMG5142", Request() with { KernelVersion = "../../etc" });
        Throws("CCIMG5133", Request() with { ExtraModules = ["no_such_module"] });
        Throws("CCIMG1006", Request() with { SourceDateEpoch = -1 });
        Throws("CCIMG5101", Request(new BootLayout([])));
        Assert.IsEmpty(Directory.GetFiles(_dir));
    }

    [TestMethod]
    public void Build_Cancelled_ThrowsAndLeavesNoFile()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        Assert.ThrowsExactly<OperationCanceledException>(() => InitramfsBuilder.Build(Request(), NullLog.Instance, cancel.Token));
        Assert.IsEmpty(Directory.GetFileSystemEntries(_dir));
    }

    [TestMethod]
    public void Build_BusyboxWithoutAnApplet_ThrowsCcimg5140()
    {
        string tree = Path.Combine(_dir, "tree");
        foreach (string folder in new[] { "usr/bin", "usr/lib/modules/" + Fixture.KernelVersion })
            Directory.CreateDirectory(Path.Combine(tree, folder));
        File.CreateSymbolicLink(Path.Combine(tree, "bin"), "usr/bin");
        byte[] busybox = File.ReadAllBytes("/usr/bin/busybox"); // busybox-static: no libraries needed
        byte[] applet = "\0switch_root\0"u8.ToArray();
        int at = busybox.AsSpan().IndexOf(applet);
        Assert.IsGreaterThanOrEqualTo(0, at, "the host busybox has switch_root");
        busybox[at + applet.Length - 2] = (byte)'X';
        File.WriteAllBytes(Path.Combine(tree, "usr/bin/busybox"), busybox);
        File.WriteAllText(Path.Combine(tree, "usr/lib/modules", Fixture.KernelVersion, "modules.dep"), "");

        var e = Assert.ThrowsExactly<CcImageException>(() => InitramfsBuilder.Plan(Request(VerityOnly, tree)));
        Assert.AreEqual("CCIMG5140", e.Code);
        StringAssert.Contains(e.Message, "switch_root");
    }
}
