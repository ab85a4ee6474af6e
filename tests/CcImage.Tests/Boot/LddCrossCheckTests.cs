// Cross-checks SharedLibraryResolver against the root tree's own dynamic loader: `ldd` run inside the boot fixture's
// Debian tree (chroot) loads exactly the files we select for each program the initramfs carries.
using CcImage.Core.Boot;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class LddCrossCheckTests
{
    [TestMethod]
    [DataRow("/bin/busybox")]
    [DataRow("/sbin/veritysetup")]
    [DataRow("/sbin/cryptsetup")]
    [DataRow("/sbin/mke2fs")]
    public void AddProgram_SelectsWhatLddLoads(string program)
    {
        var fixture = BootRootFsFixture.Tree;
        var tree = new RootTree(fixture.Folder);
        var selection = new RootTreeSelection(tree);
        string canonical = new SharedLibraryResolver(selection).AddProgram(program, "test");
        var ours = selection.Files.Keys.Where(f => f != canonical).Order(StringComparer.Ordinal).ToList();

        var ldd = RefTools.Run("chroot", fixture.Folder, "/usr/bin/ldd", program).AssertSuccess("ldd " + program);
        var theirs = new List<string>();
        foreach (string line in ldd.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith("linux-vdso", StringComparison.Ordinal))
                continue;
            string path = line.Contains("=>", StringComparison.Ordinal) ? line.Split("=>")[1].Trim() : line;
            path = path.Split(' ')[0];
            theirs.Add(tree.Resolve(path) ?? "missing: " + path);
        }
        CollectionAssert.AreEqual(theirs.Distinct().Order(StringComparer.Ordinal).ToList(), ours, ldd.StandardOutput);
    }
}
