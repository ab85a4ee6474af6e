// Cross-checks KernelModuleIndex against kmod's modprobe (package kmod) on the Debian root tree of the boot fixture:
// for modules without soft dependencies, `modprobe --show-depends` lists exactly our load order.
using CcImage.Core.Boot;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class ModprobeCrossCheckTests
{
    [TestMethod]
    [DataRow("dm_verity")]
    [DataRow("dm_crypt")]
    [DataRow("virtio_pci")]
    [DataRow("virtio_blk")]
    [DataRow("algif_skcipher")]
    [DataRow("qemu_fw_cfg")]
    public void LoadOrder_MatchesModprobeShowDepends(string module)
    {
        var fixture = BootRootFsFixture.Tree;
        var ours = KernelModuleIndex.Load(new RootTree(fixture.Folder), fixture.KernelVersion).LoadOrder([(module, false)])
            .Select(m => m.RelativePath).ToList();

        var result = RefTools.Run("modprobe", "-d", fixture.Folder, "-S", fixture.KernelVersion, "--show-depends", module)
            .AssertSuccess("modprobe --show-depends " + module);
        string prefix = "insmod " + fixture.Folder + "/lib/modules/" + fixture.KernelVersion + "/";
        var theirs = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim())
            .Select(l => l.StartsWith(prefix, StringComparison.Ordinal) ? l[prefix.Length..] : "unexpected: " + l)
            .ToList();
        CollectionAssert.AreEqual(theirs, ours, $"modprobe: {string.Join(' ', theirs)}\nours: {string.Join(' ', ours)}");
    }
}
