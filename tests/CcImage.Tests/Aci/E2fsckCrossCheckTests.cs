// The compact ext4 images behind layer hashes, checked with e2fsck and read back with debugfs: the structure is
// sound and holds what the layer says (contents, links, whiteouts, opaque directories, xattrs).
using CcImage.Core.Aci;

namespace CcImage.Tests.Aci;

[TestClass]
public sealed class E2fsckCrossCheckTests
{
    // hcsshim leaves the padding bits after the last inode of each group's inode bitmap clear; e2fsck notes it and
    // nothing else. Setting them would change the bytes and so the root hash a container group expects.
    private const string KnownHcsshimQuirk = "Padding at end of inode bitmap is not set.";

    [TestMethod]
    [DataRow(3)]
    [DataRow(11)]
    [DataRow(42)]
    public void WriteExt4_SeededLayerFixture_PassesE2fsckApartFromTheInodeBitmapPadding(int seed)
    {
        string dir = TestPaths.NewTempDir("ext4-fsck");
        try
        {
            string tar = Path.Combine(dir, "layer.tar"), img = Path.Combine(dir, "layer.ext4");
            LayerFixture.Write(tar, seed);
            LayerRootHash.WriteExt4(tar, img);
            var fsck = RefTools.Run("e2fsck", "-fn", img);
            var problems = fsck.StandardOutput.Split('\n')
                .Where(l => l.EndsWith("? no", StringComparison.Ordinal))
                .Select(l => l[..^" Fix? no".Length].Trim())
                .ToList();
            CollectionAssert.AreEqual(new[] { KnownHcsshimQuirk }, problems, fsck.Output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void WriteExt4_KnownLayer_DebugfsReadsBackEntriesLinksWhiteoutsAndXattrs()
    {
        string dir = TestPaths.NewTempDir("ext4-debugfs");
        try
        {
            string tar = Path.Combine(dir, "layer.tar"), img = Path.Combine(dir, "layer.ext4");
            using (var f = File.Create(tar))
            {
                var w = new TestTarWriter(f);
                w.Add((byte)'5', "etc", mode: 493, mtime: 1700000000);
                w.Add((byte)'0', "etc/hosts", "127.0.0.1 localhost\n"u8.ToArray(), mode: 420, uid: 1000, gid: 1000,
                    pax: new Dictionary<string, string> { ["SCHILY.xattr.user.note"] = "hi" });
                w.Add((byte)'1', "etc/hosts2", linkname: "etc/hosts");
                w.Add((byte)'2', "bin", linkname: "usr/bin");
                w.Add((byte)'2', "long", linkname: new string('x', 120));
                w.Add((byte)'0', "etc/.wh.gone");
                w.Add((byte)'5', "var", mode: 493);
                w.Add((byte)'0', "var/.wh..wh..opq");
                w.Add((byte)'0', "deep/a/b/c/file", "x"u8.ToArray());
                w.Finish();
            }
            LayerRootHash.WriteExt4(tar, img);

            string Debugfs(string command) => RefTools.Run("debugfs", "-R", command, img).StandardOutput;
            Assert.AreEqual("127.0.0.1 localhost\n", Debugfs("cat /etc/hosts"));
            StringAssert.Contains(Debugfs("stat /etc/hosts"), "Links: 2");
            StringAssert.Contains(Debugfs("stat /etc/hosts"), "User:  1000   Group:  1000");
            StringAssert.Contains(Debugfs("ea_get /etc/hosts user.note"), "hi");
            StringAssert.Contains(Debugfs("ea_get /var trusted.overlay.opaque"), "y");
            string gone = Debugfs("stat /etc/gone");
            StringAssert.Contains(gone, "Type: character special");
            StringAssert.Contains(gone, "Device major/minor number: 00:00");
            StringAssert.Contains(Debugfs("stat /bin"), "Fast link dest: \"usr/bin\"");
            Assert.AreEqual(new string('x', 120), Debugfs("cat /long"));
            Assert.AreEqual("x", Debugfs("cat /deep/a/b/c/file"));
            StringAssert.Contains(Debugfs("ls -l /"), "lost+found");
            StringAssert.Contains(Debugfs("stat /deep/a/b"), "Type: directory");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
