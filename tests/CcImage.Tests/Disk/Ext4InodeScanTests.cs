// Ext4InodeScan: finds every in-use user inode, across many block groups, with the i_mtime debugfs reports.
using System.Globalization;
using System.Text.RegularExpressions;
using CcImage.Core.Disk;
using CcImage.Core.Tools;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.Disk;

[TestClass]
public class Ext4InodeScanTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("ext4-scan");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow("ext4")]
    [DataRow("ext2")]
    public void UserInodes_ManyGroups_MatchesDebugfsCounts(string type)
    {
        string tree = Path.Combine(_dir, "tree");
        Ext4TestTree.Create(tree);
        for (int f = 0; f < 300; f++)
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.Combine(tree, $"d{f / 50}")).FullName, $"f{f}"), "x");
        var mtime = new DateTime(2021, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        File.SetLastWriteTimeUtc(Path.Combine(tree, "hello.txt"), mtime);
        string image = Path.Combine(_dir, "fs.img");
        // 1024 blocks and 128 inodes per group: the tree's inodes spread over several groups
        GptTestDisk.Runner.Run(HostTool.Mke2fs, ["-t", type, "-b", "4096", "-g", "1024", "-N", "2048", "-d", tree, "-F", "-q", image, "16384"]);

        var inodes = Ext4InodeScan.UserInodes(image);
        string stats = Ext4TestTree.Debugfs(image, "stats");
        long count = Number(stats, "Inode count"), free = Number(stats, "Free inodes"), perGroup = Number(stats, "Inodes per group");
        const int reservedInodes = 10; // inodes 1..10 are marked in use; of them only the root (2) is listed
        Assert.HasCount((int)(count - free - reservedInodes + 1), inodes);
        Assert.IsGreaterThan(2 * perGroup, (long)inodes.Max(i => i.Inode), "the inodes span several groups");
        Assert.AreEqual(inodes.Count, inodes.Select(i => i.Inode).Distinct().Count());

        string stat = Ext4TestTree.Debugfs(image, "stat /hello.txt");
        uint helloInode = uint.Parse(Regex.Match(stat, @"Inode: (\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.AreEqual((uint)new DateTimeOffset(mtime).ToUnixTimeSeconds(), inodes.Single(i => i.Inode == helloInode).MTime);
    }

    private static long Number(string stats, string label) =>
        long.Parse(Regex.Match(stats, label + @":\s+(\d+)").Groups[1].Value, CultureInfo.InvariantCulture);
}
