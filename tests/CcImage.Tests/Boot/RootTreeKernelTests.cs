// RootTreeKernel.Find: the kernel with both an image and modules.dep; none, several or a missing version are errors.
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class RootTreeKernelTests
{
    private string _tree = "";

    [TestInitialize]
    public void Init()
    {
        _tree = TestPaths.NewTempDir("kernel");
        Directory.CreateDirectory(Path.Combine(_tree, "boot"));
        Directory.CreateDirectory(Path.Combine(_tree, "usr/lib/modules"));
        File.CreateSymbolicLink(Path.Combine(_tree, "lib"), "usr/lib");
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_tree, recursive: true);

    private void Kernel(string version, bool image = true, bool modules = true)
    {
        if (image)
            File.WriteAllText(Path.Combine(_tree, "boot", "vmlinuz-" + version), "kernel");
        if (modules)
        {
            Directory.CreateDirectory(Path.Combine(_tree, "usr/lib/modules", version));
            File.WriteAllText(Path.Combine(_tree, "usr/lib/modules", version, "modules.dep"), "");
        }
    }

    [TestMethod]
    public void Find_OneKernel_GivesVersionAndImage()
    {
        Kernel("6.1.0-50-amd64");
        Kernel("6.1.0-49-amd64", modules: false);
        Kernel("6.1.0-48-amd64", image: false);
        var kernel = RootTreeKernel.Find(_tree);
        Assert.AreEqual("6.1.0-50-amd64", kernel.Version);
        Assert.AreEqual(Path.Combine(_tree, "boot", "vmlinuz-6.1.0-50-amd64"), kernel.ImagePath);
    }

    [TestMethod]
    public void Find_NoKernel_ThrowsCcimg5144() =>
        Assert.AreEqual("CCIMG5144", Assert.ThrowsExactly<CcImageException>(() => RootTreeKernel.Find(_tree)).Code);

    [TestMethod]
    public void Find_TwoKernels_ThrowsCcimg5145_UnlessOneIsNamed()
    {
        Kernel("6.1.0-50-amd64");
        Kernel("6.1.0-51-amd64");
        Assert.AreEqual("CCIMG5145", Assert.ThrowsExactly<CcImageException>(() => RootTreeKernel.Find(_tree)).Code);
        Assert.AreEqual("6.1.0-51-amd64", RootTreeKernel.Find(_tree, "6.1.0-51-amd64").Version);
        Assert.AreEqual("CCIMG5144", Assert.ThrowsExactly<CcImageException>(() => RootTreeKernel.Find(_tree, "5.10.0")).Code);
    }

    [TestMethod]
    public void Find_DebianFixtureTree_FindsItsKernel() =>
        Assert.AreEqual(BootRootFsFixture.Tree.KernelVersion, RootTreeKernel.Find(BootRootFsFixture.Tree.Folder).Version);
}
