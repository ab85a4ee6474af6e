// RootTree and Ext4Image on a real root filesystem: the shared tarball extracted twice, once into an ordinary folder
// and once into a tmpfs (another file system, so readdir gives the entries in another order). Extraction keeps owners,
// modes, hard links, device nodes and POSIX ACLs (checked with GNU tar and getfattr); packing either extraction gives
// the same bytes; and the ext4 images of the two extractions are byte-identical and keep the same metadata (debugfs).
using System.Globalization;
using System.Text.RegularExpressions;
using CcImage.Core.Cpio;
using CcImage.Core.Disk;
using CcImage.Core.Hashing;
using CcImage.Core.RootFs;
using CcImage.Core.Tools;
using CcImage.Tests.Disk;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.RootFs;

[TestClass]
public class RootTreeTests
{
    private const long Ext4Size = 2L << 30;
    private static readonly Guid Uuid = new("7a0c3f52-2b8e-4c1d-9e6f-5a4b3c2d1e0f");
    private static readonly Guid HashSeed = new("1f2e3d4c-5b6a-4978-8695-a4b3c2d1e0f9");
    private static string _dir = "";
    private static string _onDisk = "";
    private static string _onTmpfs = "";
    private static ToolRunner Runner => SharedRootFs.Runner;

    [ClassInitialize]
    public static void ExtractTwice(TestContext context)
    {
        _dir = TestPaths.NewTempDir("root-tree");
        _onDisk = Path.Combine(_dir, "disk", "tree");
        string mount = Path.Combine(_dir, "tmpfs");
        Directory.CreateDirectory(mount);
        Runner.Run(HostTool.Mount, ["-t", "tmpfs", "-o", "size=3g", "ccimage-test", mount]);
        _onTmpfs = Path.Combine(mount, "somewhere", "else", "tree");
        RootTree.Extract(Runner, SharedRootFs.Tarball, _onDisk);
        RootTree.Extract(Runner, SharedRootFs.Tarball, _onTmpfs);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        if (_dir.Length > 0)
            RootTree.Delete(Runner, _dir);
    }

    [TestMethod]
    public void Extract_SharedRootFs_KeepsOwnersModesLinksDevicesAndAcls()
    {
        var perl = UnixFileStatus.TryGet(Path.Combine(_onDisk, "usr/bin/perl"))!;
        var perlVersioned = UnixFileStatus.TryGet(Path.Combine(_onDisk, "usr/bin/perl5.36.0"))!;
        Assert.AreEqual(perl.Inode, perlVersioned.Inode, "the hard link became two files");
        Assert.AreEqual(2u, perl.LinkCount);

        var shadow = UnixFileStatus.TryGet(Path.Combine(_onDisk, "etc/shadow"))!;
        Assert.AreEqual(42u, shadow.Gid, "/etc/shadow lost its group (shadow)");
        Assert.AreEqual(0x1A0u, shadow.Permissions); // 0640
        var chage = UnixFileStatus.TryGet(Path.Combine(_onDisk, "usr/bin/chage"))!;
        Assert.AreEqual(0x5EDu, chage.Permissions, "the setgid bit of chage is gone"); // 02755

        var devNull = UnixFileStatus.TryGet(Path.Combine(_onDisk, "dev/null"))!;
        Assert.AreEqual(UnixFileStatus.TypeCharDevice, devNull.Type);
        Assert.AreEqual((1u, 3u), (devNull.RdevMajor, devNull.RdevMinor));

        Assert.AreEqual("/proc/self/fd", new FileInfo(Path.Combine(_onDisk, "dev/fd")).LinkTarget);
        string acl = RefTools.Run("getfattr", "--absolute-names", "-d", "-m", "-", "-e", "hex", Path.Combine(_onDisk, "var/log/journal"))
            .AssertSuccess("getfattr").StandardOutput;
        StringAssert.Contains(acl, "system.posix_acl_access=0x");
        StringAssert.Contains(acl, "system.posix_acl_default=0x");
        CollectionAssert.AreEqual(UnixExtendedAttributes.Read(Path.Combine(_onDisk, "var/log/journal"))["system.posix_acl_access"],
            UnixExtendedAttributes.Read(Path.Combine(_onTmpfs, "var/log/journal"))["system.posix_acl_access"]);
    }

    [TestMethod]
    public void Pack_ExtractionsOnDifferentFileSystems_GiveIdenticalTarballsWithTheOriginalsEntries()
    {
        Assert.AreNotEqual(string.Join(",", Directory.EnumerateFileSystemEntries(Path.Combine(_onDisk, "usr/bin")).Take(20).Select(Path.GetFileName)),
            string.Join(",", Directory.EnumerateFileSystemEntries(Path.Combine(_onTmpfs, "usr/bin")).Take(20).Select(Path.GetFileName)),
            "both file systems list /usr/bin in the same order, so this test proves nothing about order");
        string a = Path.Combine(_dir, "a.tar"), b = Path.Combine(_dir, "b.tar");
        RootTree.Pack(Runner, _onDisk, a, SharedRootFs.Epoch);
        RootTree.Pack(Runner, _onTmpfs, b, SharedRootFs.Epoch);
        Assert.AreEqual(FileHash.Sha256Hex(a), FileHash.Sha256Hex(b));
        CollectionAssert.AreEqual(Listing(SharedRootFs.Tarball), Listing(a), "the repacked tree differs from the built one");
        File.Delete(a);
        File.Delete(b);
    }

    [TestMethod]
    public void Ext4_ExtractionsOnDifferentFileSystems_GiveIdenticalImagesKeepingMetadata()
    {
        string a = Path.Combine(_dir, "a.ext4"), b = Path.Combine(_dir, "b.ext4");
        Ext4Image.Build(Runner, _onDisk, a, Ext4Size, Uuid, HashSeed, "root", SharedRootFs.Epoch, preserveOwnership: true);
        Ext4Image.Build(Runner, _onTmpfs, b, Ext4Size, Uuid, HashSeed, "root", SharedRootFs.Epoch, preserveOwnership: true);
        Assert.AreEqual(FileHash.Sha256Hex(a), FileHash.Sha256Hex(b), "ext4 images of the same tree differ with the tree's file system");
        File.Delete(b);

        Ext4TestTree.AssertFsckClean(a);
        string perl = Ext4TestTree.Debugfs(a, "stat /usr/bin/perl");
        StringAssert.Contains(perl, "Links: 2");
        Assert.AreEqual(Inode(perl), Inode(Ext4TestTree.Debugfs(a, "stat /usr/bin/perl5.36.0")));
        StringAssert.Matches(Ext4TestTree.Debugfs(a, "stat /etc/shadow"), new Regex(@"User:\s+0\s+Group:\s+42\b"));
        StringAssert.Contains(Ext4TestTree.Debugfs(a, "stat /usr/bin/chage"), "Mode:  02755");
        string devNull = Ext4TestTree.Debugfs(a, "stat /dev/null");
        StringAssert.Contains(devNull, "Type: character special");
        StringAssert.Contains(devNull, "Device major/minor number: 01:03");
        string journal = Ext4TestTree.Debugfs(a, "ea_list /var/log/journal");
        StringAssert.Contains(journal, "system.posix_acl_access");
        StringAssert.Contains(journal, "system.posix_acl_default");
        // Package files keep their own mtime; what the build wrote is clamped to SOURCE_DATE_EPOCH.
        StringAssert.Contains(Ext4TestTree.Debugfs(a, "stat /etc/hostname"), " mtime: 0x" + SharedRootFs.Epoch.ToString("x8", CultureInfo.InvariantCulture));
        File.Delete(a);
    }

    [TestMethod]
    public void PackExtract_CapabilityHardLinkDeviceOwner_RoundTripReproducibly()
    {
        string tree = Path.Combine(_dir, "fixture");
        Directory.CreateDirectory(Path.Combine(tree, "usr", "bin"));
        Directory.CreateDirectory(Path.Combine(tree, "dev"));
        string ping = Path.Combine(tree, "usr", "bin", "ping");
        File.WriteAllText(ping, "pretend binary");
        RefTools.Run("setcap", "cap_net_raw+ep", ping).AssertSuccess("setcap");
        RefTools.Run("ln", ping, Path.Combine(tree, "usr", "bin", "ping6")).AssertSuccess("ln");
        RefTools.Run("mknod", Path.Combine(tree, "dev", "null"), "c", "1", "3").AssertSuccess("mknod");
        string owned = Path.Combine(tree, "usr", "bin", "owned");
        File.WriteAllText(owned, "x");
        RefTools.Run("chown", "1234:2345", owned).AssertSuccess("chown");
        RefTools.Run("chmod", "4755", owned).AssertSuccess("chmod");
        File.CreateSymbolicLink(Path.Combine(tree, "usr", "bin", "link"), "/usr/bin/ping");

        string first = Path.Combine(_dir, "fixture.tar"), second = Path.Combine(_dir, "fixture-again.tar");
        string copy = Path.Combine(_dir, "fixture-copy");
        RootTree.Pack(Runner, tree, first, SharedRootFs.Epoch);
        RootTree.Extract(Runner, first, copy);
        RootTree.Pack(Runner, copy, second, SharedRootFs.Epoch);
        Assert.AreEqual(FileHash.Sha256Hex(first), FileHash.Sha256Hex(second), "pack(extract(pack(tree))) differs from pack(tree)");

        StringAssert.Contains(RefTools.Run("getcap", Path.Combine(copy, "usr", "bin", "ping")).AssertSuccess("getcap").StandardOutput, "cap_net_raw=ep");
        var a = UnixFileStatus.TryGet(Path.Combine(copy, "usr", "bin", "ping"))!;
        Assert.AreEqual(a.Inode, UnixFileStatus.TryGet(Path.Combine(copy, "usr", "bin", "ping6"))!.Inode);
        var device = UnixFileStatus.TryGet(Path.Combine(copy, "dev", "null"))!;
        Assert.AreEqual((UnixFileStatus.TypeCharDevice, 1u, 3u), (device.Type, device.RdevMajor, device.RdevMinor));
        var ownedCopy = UnixFileStatus.TryGet(Path.Combine(copy, "usr", "bin", "owned"))!;
        Assert.AreEqual((1234u, 2345u, 0x9EDu), (ownedCopy.Uid, ownedCopy.Gid, ownedCopy.Permissions));
        Assert.AreEqual("/usr/bin/ping", new FileInfo(Path.Combine(copy, "usr", "bin", "link")).LinkTarget);
        string listing = RefTools.Run("tar", "--numeric-owner", "--full-time", "-tvf", first).AssertSuccess("tar -tv").StandardOutput;
        StringAssert.Contains(listing, "-rwsr-xr-x 1234/2345");
        StringAssert.Contains(listing, "2023-11-14 22:13:20 ./usr/bin/owned", "a new file's mtime was not clamped to SOURCE_DATE_EPOCH");
    }

    [TestMethod]
    public void Extract_NonEmptyDestination_ThrowsCcimg4134()
    {
        string target = Path.Combine(_dir, "occupied");
        Directory.CreateDirectory(target);
        File.WriteAllText(Path.Combine(target, "x"), "x");
        GptTestDisk.AssertThrowsCode("CCIMG4134", () => RootTree.Extract(Runner, SharedRootFs.Tarball, target));
        GptTestDisk.AssertThrowsCode("CCIMG4133", () => RootTree.Extract(Runner, Path.Combine(_dir, "missing.tar"), Path.Combine(_dir, "new")));
        Assert.IsFalse(Directory.Exists(Path.Combine(_dir, "new")));
    }

    private static int Inode(string stat) => int.Parse(Regex.Match(stat, @"Inode: (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);

    // Every entry with type, mode, owner, size, time and link target, sorted by name (mmdebstrap writes /dev first).
    private static List<string> Listing(string tarball) =>
        RefTools.Run("tar", "--numeric-owner", "--full-time", "-tvf", tarball).AssertSuccess("tar -tv").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => Regex.Replace(l, @"^(\S+ \S+)\s+(\d+|\d+,\s*\d+)\s", "$1 $2 "))
            .OrderBy(l => l[(l.IndexOf(" ./", StringComparison.Ordinal) + 1)..], StringComparer.Ordinal).ToList();
}
