// BootAssets: the init and the ready script parse as POSIX shell (busybox sh and dash), and InstallInto writes the
// root filesystem's part of the boot contract — ready unit enabled, fstab without swap, mount points — resolving every
// path inside the tree, replacing links rather than following them out of it, and refusing a file where a folder goes.
using CcImage.Core.Boot;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class BootAssetsTests
{
    private string _dir = "";
    private string _tree = "";

    private static BootLayout Layout => new(
    [
        new BootPartition("root", "root", PartitionProtection.Verity, "/") { HashPartitionLabel = "root-verity" },
        new BootPartition("dynamic", "dynamic", PartitionProtection.LuksEphemeral, "/opt/nvflare/dynamic"),
        new BootPartition("config", "config", PartitionProtection.Verity, "/opt/nvflare/config") { HashOffset = 4096 },
    ]);

    [TestInitialize]
    public void Init()
    {
        _dir = TestPaths.NewTempDir("assets");
        _tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(Path.Combine(_tree, "usr/lib"));
        Directory.CreateDirectory(Path.Combine(_tree, "etc"));
        File.CreateSymbolicLink(Path.Combine(_tree, "lib"), "usr/lib");
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private uint Mode(string path) => UnixFileStatus.TryGet(Path.Combine(_tree, path))!.Permissions;

    [TestMethod]
    [DataRow("init.sh", "busybox")]
    [DataRow("init.sh", "dash")]
    [DataRow("system-ready.sh", "busybox")]
    [DataRow("system-ready.sh", "dash")]
    public void Scripts_ParseAsPosixShell(string asset, string shell)
    {
        string script = Path.Combine(_dir, asset);
        File.WriteAllBytes(script, BootAssets.Read(asset));
        var result = shell == "busybox" ? RefTools.Run("busybox", "sh", "-n", script) : RefTools.Run(shell, "-n", script);
        Assert.AreEqual(0, result.ExitCode, result.Output);
        StringAssert.StartsWith(System.Text.Encoding.UTF8.GetString(BootAssets.Read(asset)), "#!/bin/sh\n");
    }

    [TestMethod]
    public void InstallInto_WritesUnitScriptFstabAndMountPoints()
    {
        BootAssets.InstallInto(_tree, Layout);
        Assert.AreEqual(0x1EDu, Mode("usr/lib/ccimage/system-ready"));
        Assert.AreEqual(0x1A4u, Mode("usr/lib/systemd/system/ccimage-ready.service"));
        Assert.AreEqual(0x1A4u, Mode("etc/fstab"));
        Assert.AreEqual("/usr/lib/systemd/system/ccimage-ready.service",
            new FileInfo(Path.Combine(_tree, "etc/systemd/system/multi-user.target.wants/ccimage-ready.service")).LinkTarget);
        StringAssert.Contains(File.ReadAllText(Path.Combine(_tree, "usr/lib/systemd/system/ccimage-ready.service")), "ExecStart=/usr/lib/ccimage/system-ready");
        Assert.IsFalse(File.ReadAllLines(Path.Combine(_tree, "etc/fstab")).Any(l => !l.StartsWith('#') && l.Trim().Length > 0), "fstab mounts nothing");
        foreach (string mountPoint in new[] { "tmp", "opt/nvflare/dynamic", "opt/nvflare/config" })
            Assert.IsTrue(Directory.Exists(Path.Combine(_tree, mountPoint)), mountPoint);
        Assert.AreEqual(0x1EDu, Mode("opt/nvflare/dynamic"));
    }

    [TestMethod]
    public void InstallInto_Twice_GivesTheSameTree()
    {
        BootAssets.InstallInto(_tree, Layout);
        File.WriteAllText(Path.Combine(_tree, "opt/nvflare/dynamic/kept.txt"), "content\n");
        BootAssets.InstallInto(_tree, Layout);
        Assert.IsTrue(File.Exists(Path.Combine(_tree, "opt/nvflare/dynamic/kept.txt")), "an existing mount point keeps its content");
        CollectionAssert.AreEqual(BootAssets.Read("fstab"), File.ReadAllBytes(Path.Combine(_tree, "etc/fstab")));
    }

    [TestMethod]
    public void InstallInto_LinkPointingOutOfTheTree_IsReplacedNotFollowed()
    {
        string outside = Path.Combine(_dir, "outside-fstab");
        File.WriteAllText(outside, "host file\n");
        File.CreateSymbolicLink(Path.Combine(_tree, "etc/fstab"), outside);
        Directory.CreateDirectory(Path.Combine(_tree, "srv/systemd"));
        File.CreateSymbolicLink(Path.Combine(_tree, "etc/systemd"), "/srv/systemd");

        BootAssets.InstallInto(_tree);

        Assert.AreEqual("host file\n", File.ReadAllText(outside));
        Assert.IsNull(new FileInfo(Path.Combine(_tree, "etc/fstab")).LinkTarget);
        Assert.IsTrue(File.Exists(Path.Combine(_tree, "srv/systemd/system/multi-user.target.wants/ccimage-ready.service"))
                      || new FileInfo(Path.Combine(_tree, "srv/systemd/system/multi-user.target.wants/ccimage-ready.service")).LinkTarget != null,
            "the absolute link /etc/systemd -> /srv/systemd was resolved inside the tree");
    }

    [TestMethod]
    public void InstallInto_FileWhereAMountPointGoes_ThrowsCcimg5143()
    {
        Directory.CreateDirectory(Path.Combine(_tree, "opt/nvflare"));
        File.WriteAllText(Path.Combine(_tree, "opt/nvflare/dynamic"), "a file\n");
        var e = Assert.ThrowsExactly<CcImageException>(() => BootAssets.InstallInto(_tree, Layout));
        Assert.AreEqual("CCIMG5143", e.Code);
    }

    [TestMethod]
    public void Hashes_AreStableSha256_AndSeparateTheInitFromTheRootFiles()
    {
        var hex = new System.Text.RegularExpressions.Regex("^[0-9a-f]{64}$");
        Assert.AreEqual(BootAssets.RootFilesHash, BootAssets.RootFilesHash);
        StringAssert.Matches(BootAssets.RootFilesHash, hex);
        Assert.AreEqual(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(BootAssets.InitScript)).ToLowerInvariant(), BootAssets.InitScriptHash);
        Assert.AreNotEqual(BootAssets.InitScriptHash, BootAssets.RootFilesHash);
    }
}
