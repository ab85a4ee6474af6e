// Ext4Image: mke2fs -d output is a clean ext4 holding the tree, with our UUID and label, and is byte-identical across
// copies of the tree made at different times in different folders.
using System.Security.Cryptography;
using CcImage.Core.Disk;
using CcImage.Core.Tools;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.Disk;

[TestClass]
public class Ext4ImageTests
{
    private const long Size = 32L << 20;
    private static readonly Guid Uuid = new("0b5e2f41-1c7d-4d9e-8a55-3f0d2a6c9e11");
    private static readonly Guid HashSeed = new("6d2b9a70-5e3c-4f21-b0a8-7c1e4d9f2a33");
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("ext4");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void Build_Folder_FsckCleanAndHoldsTree()
    {
        string tree = Path.Combine(_dir, "tree");
        Ext4TestTree.Create(tree);
        string image = Path.Combine(_dir, "fs.ext4");
        Ext4Image.Build(GptTestDisk.Runner, tree, image, Size, Uuid, HashSeed, "site-data", 1700000000);

        Assert.AreEqual(Size, new FileInfo(image).Length);
        Ext4TestTree.AssertFsckClean(image);
        string root = Ext4TestTree.Debugfs(image, "ls -l /");
        foreach (string name in new[] { "hello.txt", "etc", "empty-dir", "empty", "link", "long-link", @"name with spaces & \xc3\xbcn\xc3\xafcode", "lost+found" })
            StringAssert.Contains(root, name);
        StringAssert.Contains(Ext4TestTree.Debugfs(image, "ls -l /etc"), "blob.bin");
        StringAssert.Contains(Ext4TestTree.Debugfs(image, "ls -l /etc/nvflare"), "config.json");
        Assert.AreEqual("{\"a\": 1}\n", Ext4TestTree.Debugfs(image, "cat /etc/nvflare/config.json"));
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(tree, "etc", "blob.bin")), DumpFile(image, "/etc/blob.bin"));
        StringAssert.Contains(Ext4TestTree.Debugfs(image, "stat /link"), "Fast link dest: \"hello.txt\"");
        StringAssert.Contains(Ext4TestTree.Debugfs(image, "stat /long-link"), "Type: symlink");

        string stats = Ext4TestTree.Debugfs(image, "stats");
        StringAssert.Contains(stats, "Filesystem UUID:          " + Uuid);
        StringAssert.Contains(stats, "Filesystem volume name:   site-data");
        StringAssert.Contains(stats, "Directory Hash Seed:      " + HashSeed);
    }

    [TestMethod]
    public void Build_Times_AreSourceDateEpoch()
    {
        string tree = Path.Combine(_dir, "tree");
        Ext4TestTree.Create(tree);
        string image = Path.Combine(_dir, "fs.ext4");
        Ext4Image.Build(GptTestDisk.Runner, tree, image, Size, Uuid, HashSeed, "t", 1600000000);
        string stat = Ext4TestTree.Debugfs(image, "stat /hello.txt");
        foreach (string field in new[] { " ctime: 0x5f5e1000", " atime: 0x5f5e1000", " mtime: 0x5f5e1000", "crtime: 0x5f5e1000" })
            StringAssert.Contains(stat, field, stat);
        StringAssert.Contains(Ext4TestTree.Debugfs(image, "stats"), "Filesystem created:       Sun Sep 13 12:26:40 2020");
    }

    [TestMethod]
    public void Build_CopiesAtDifferentTimesAndPaths_AreByteIdentical()
    {
        const long size = Size;
        string original = Path.Combine(_dir, "original");
        Ext4TestTree.Create(original);
        string first = Path.Combine(_dir, "a", "copy-one");
        Ext4TestTree.Copy(original, first, keepMtime: false);
        string imageA = Path.Combine(_dir, "a.ext4");
        Ext4Image.Build(GptTestDisk.Runner, first, imageA, size, Uuid, HashSeed, "same", 1700000000);

        Thread.Sleep(1100); // the second copy gets other ctimes, atimes and mtimes
        string second = Path.Combine(_dir, "somewhere", "else", "copy-two");
        Ext4TestTree.Copy(original, second, keepMtime: false);
        string imageB = Path.Combine(_dir, "b.ext4");
        Ext4Image.Build(GptTestDisk.Runner, second, imageB, size, Uuid, HashSeed, "same", 1700000000);

        Ext4TestTree.AssertFsckClean(imageB);
        CollectionAssert.AreEqual(Hash(imageA), Hash(imageB));
    }

    [TestMethod]
    public void Build_EpochZero_AtDifferentTimes_AreByteIdentical()
    {
        // e2fsprogs reads E2FSPROGS_FAKE_TIME=0 as unset; the default SOURCE_DATE_EPOCH of 0 must still be reproducible.
        string tree = Path.Combine(_dir, "tree");
        Ext4TestTree.Create(tree);
        string a = Path.Combine(_dir, "a.ext4"), b = Path.Combine(_dir, "b.ext4");
        Ext4Image.Build(GptTestDisk.Runner, tree, a, Size, Uuid, HashSeed, "zero", 0);
        Thread.Sleep(1100);
        Ext4Image.Build(GptTestDisk.Runner, tree, b, Size, Uuid, HashSeed, "zero", 0);
        CollectionAssert.AreEqual(Hash(a), Hash(b));
    }

    [TestMethod]
    public void Build_FilesOfAnyOwner_AreRootsUnlessPreserved()
    {
        string tree = Path.Combine(_dir, "tree");
        Ext4TestTree.Create(tree);
        string file = Path.Combine(tree, "hello.txt");
        RefTools.Run("chown", "-R", "1234:2345", tree).AssertSuccess("chown");
        string rooted = Path.Combine(_dir, "rooted.ext4"), kept = Path.Combine(_dir, "kept.ext4");
        Ext4Image.Build(GptTestDisk.Runner, tree, rooted, Size, Uuid, HashSeed, "r", 1700000000);
        Ext4Image.Build(GptTestDisk.Runner, tree, kept, Size, Uuid, HashSeed, "k", 1700000000, preserveOwnership: true);
        StringAssert.Matches(Ext4TestTree.Debugfs(rooted, "stat /hello.txt"), new System.Text.RegularExpressions.Regex(@"User:\s+0\s+Group:\s+0\b"));
        StringAssert.Matches(Ext4TestTree.Debugfs(rooted, "stat /etc/nvflare/config.json"), new System.Text.RegularExpressions.Regex(@"User:\s+0\s+Group:\s+0\b"));
        StringAssert.Matches(Ext4TestTree.Debugfs(kept, "stat /hello.txt"), new System.Text.RegularExpressions.Regex(@"User:\s+1234\s+Group:\s+2345\b"));
        Ext4TestTree.AssertFsckClean(rooted);
    }

    [TestMethod]
    public void Build_OtherSourceDateEpoch_ChangesBytes()
    {
        string tree = Path.Combine(_dir, "tree");
        Ext4TestTree.Create(tree);
        string a = Path.Combine(_dir, "a.ext4"), b = Path.Combine(_dir, "b.ext4");
        Ext4Image.Build(GptTestDisk.Runner, tree, a, Size, Uuid, HashSeed, "x", 1700000000);
        Ext4Image.Build(GptTestDisk.Runner, tree, b, Size, Uuid, HashSeed, "x", 1700000001);
        CollectionAssert.AreNotEqual(File.ReadAllBytes(a), File.ReadAllBytes(b));
    }

    [TestMethod]
    public void Build_NoFolder_GivesEmptyCleanFileSystem()
    {
        string image = Path.Combine(_dir, "empty.ext4");
        Ext4Image.Build(GptTestDisk.Runner, null, image, 8L << 20, Uuid, HashSeed, "empty", 0);
        Ext4TestTree.AssertFsckClean(image);
        StringAssert.Contains(Ext4TestTree.Debugfs(image, "ls /"), "lost+found");
    }

    [TestMethod]
    public void Build_TooSmall_ThrowsCcimg4142AndLeavesNoFile()
    {
        string tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(tree);
        File.WriteAllBytes(Path.Combine(tree, "big"), RandomNumberGenerator.GetBytes(6 << 20));
        string image = Path.Combine(_dir, "small.ext4");
        GptTestDisk.AssertThrowsCode("CCIMG4142", () =>
            Ext4Image.Build(GptTestDisk.Runner, tree, image, 4L << 20, Uuid, HashSeed, "s", 0));
        Assert.IsEmpty(Directory.GetFiles(_dir));
        CollectionAssert.AreEqual(new[] { tree }, Directory.GetDirectories(_dir));
    }

    [TestMethod]
    public void Build_SameTreeInAnotherReaddirOrder_IsByteIdentical()
    {
        // tmpfs lists a folder's entries in creation order (newest first), so two copies made in opposite orders read
        // back in opposite orders; mke2fs -d (e2fsprogs 1.47.0) copied in that order and gave two different images.
        string mount = Path.Combine(_dir, "tmpfs");
        Directory.CreateDirectory(mount);
        GptTestDisk.Runner.Run(HostTool.Mount, ["-t", "tmpfs", "-o", "size=64m", "ccimage-test", mount]);
        try
        {
            var names = Enumerable.Range(0, 300).Select(i => $"entry-{i:D3}").ToList();
            string forward = Path.Combine(mount, "forward"), backward = Path.Combine(mount, "backward");
            foreach (var (tree, order) in new[] { (forward, names), (backward, Enumerable.Reverse(names).ToList()) })
            {
                Directory.CreateDirectory(Path.Combine(tree, "sub"));
                foreach (string name in order)
                {
                    File.WriteAllText(Path.Combine(tree, name), name);
                    Directory.CreateDirectory(Path.Combine(tree, "sub", name));
                }
            }
            CollectionAssert.AreNotEqual(Directory.EnumerateFileSystemEntries(forward).Select(Path.GetFileName).ToList(),
                Directory.EnumerateFileSystemEntries(backward).Select(Path.GetFileName).ToList(), "tmpfs listed both copies in the same order");
            string a = Path.Combine(_dir, "a.ext4"), b = Path.Combine(_dir, "b.ext4");
            Ext4Image.Build(GptTestDisk.Runner, forward, a, Size, Uuid, HashSeed, "order", 1700000000);
            Ext4Image.Build(GptTestDisk.Runner, backward, b, Size, Uuid, HashSeed, "order", 1700000000);
            Ext4TestTree.AssertFsckClean(a);
            CollectionAssert.AreEqual(Hash(a), Hash(b));
        }
        finally
        {
            GptTestDisk.Runner.Run(HostTool.Umount, [mount]);
        }
    }

    [TestMethod]
    public void Build_HardLinksDevicesFifosCapabilitiesAndOwners_AreKept()
    {
        string tree = Path.Combine(_dir, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "bin"));
        Directory.CreateDirectory(Path.Combine(tree, "dev"));
        string ping = Path.Combine(tree, "bin", "ping");
        File.WriteAllText(ping, "pretend binary");
        RefTools.Run("setcap", "cap_net_raw+ep", ping).AssertSuccess("setcap");
        RefTools.Run("ln", ping, Path.Combine(tree, "bin", "ping-again")).AssertSuccess("ln");
        RefTools.Run("mknod", "-m", "0660", Path.Combine(tree, "dev", "sda"), "b", "8", "0").AssertSuccess("mknod");
        RefTools.Run("mkfifo", "-m", "0600", Path.Combine(tree, "dev", "queue")).AssertSuccess("mkfifo");
        RefTools.Run("chown", "1234:2345", Path.Combine(tree, "dev", "queue")).AssertSuccess("chown");
        RefTools.Run("chmod", "2750", Path.Combine(tree, "bin")).AssertSuccess("chmod");
        string image = Path.Combine(_dir, "fs.ext4");
        Ext4Image.Build(GptTestDisk.Runner, tree, image, Size, Uuid, HashSeed, "kept", 1700000000, preserveOwnership: true);

        Ext4TestTree.AssertFsckClean(image);
        string first = Ext4TestTree.Debugfs(image, "stat /bin/ping"), second = Ext4TestTree.Debugfs(image, "stat /bin/ping-again");
        StringAssert.Contains(first, "Links: 2");
        Assert.AreEqual(first.Split('\n')[0], second.Split('\n')[0], "the hard link became two inodes");
        StringAssert.Contains(Ext4TestTree.Debugfs(image, "ea_list /bin/ping"), "security.capability");
        string disk = Ext4TestTree.Debugfs(image, "stat /dev/sda");
        StringAssert.Contains(disk, "Type: block special");
        StringAssert.Contains(disk, "Mode:  0660");
        StringAssert.Contains(disk, "Device major/minor number: 08:00");
        string fifo = Ext4TestTree.Debugfs(image, "stat /dev/queue");
        StringAssert.Contains(fifo, "Type: FIFO");
        StringAssert.Matches(fifo, new System.Text.RegularExpressions.Regex(@"User:\s+1234\s+Group:\s+2345\b"));
        StringAssert.Contains(Ext4TestTree.Debugfs(image, "stat /bin"), "Mode:  02750");
    }

    private static byte[] Hash(string path)
    {
        using var stream = File.OpenRead(path);
        return SHA256.HashData(stream);
    }

    private byte[] DumpFile(string image, string path)
    {
        string output = Path.Combine(_dir, "dumped");
        GptTestDisk.Runner.Run(CcImage.Core.Tools.HostTool.Debugfs, ["-R", $"dump {path} {output}", image]);
        byte[] bytes = File.ReadAllBytes(output);
        File.Delete(output);
        return bytes;
    }
}
