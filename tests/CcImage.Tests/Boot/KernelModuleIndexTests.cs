// KernelModuleIndex on hand-written modules.dep text: dependencies before dependants in modprobe's order, each module
// once, built-in modules skipped, optional modules left out when missing (and their dependencies optional unless a
// required module needs them too), and damaged indexes rejected with their CCIMG code.
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class KernelModuleIndexTests
{
    private const string Dep = """
        kernel/drivers/md/dm-mod.ko:
        kernel/drivers/md/dm-bufio.ko: kernel/drivers/md/dm-mod.ko
        kernel/lib/reed_solomon/reed_solomon.ko:
        kernel/drivers/md/dm-verity.ko: kernel/drivers/md/dm-bufio.ko kernel/drivers/md/dm-mod.ko kernel/lib/reed_solomon/reed_solomon.ko
        kernel/drivers/md/dm-crypt.ko: kernel/drivers/md/dm-mod.ko
        kernel/crypto/cryptd.ko:
        kernel/crypto/crypto_simd.ko: kernel/crypto/cryptd.ko
        kernel/arch/x86/crypto/aesni-intel.ko: kernel/crypto/crypto_simd.ko kernel/crypto/cryptd.ko
        kernel/drivers/char/hw_random/virtio-rng.ko:
        """;

    private const string Builtin = "kernel/crypto/aes_generic.ko\nkernel/crypto/sha256_generic.ko\n";

    private static KernelModuleIndex Index => KernelModuleIndex.Parse(Dep, Builtin, "modules.dep");

    private static List<string> Order(params (string, bool)[] wanted) =>
        [.. Index.LoadOrder(wanted).Select(m => (m.Optional ? "?" : "") + m.Name)];

    [TestMethod]
    public void LoadOrder_DependenciesFirst_AsModprobeLoadsThem() =>
        CollectionAssert.AreEqual(new List<string> { "reed_solomon", "dm_mod", "dm_bufio", "dm_verity" }, Order(("dm-verity", false)));

    [TestMethod]
    public void LoadOrder_SharedDependency_LoadedOnce() =>
        CollectionAssert.AreEqual(new List<string> { "reed_solomon", "dm_mod", "dm_bufio", "dm_verity", "dm_crypt" },
            Order(("dm_verity", false), ("dm_crypt", false)));

    [TestMethod]
    public void LoadOrder_BuiltinModule_NeedsNoLoading() =>
        CollectionAssert.AreEqual(new List<string> { "dm_mod", "dm_crypt" }, Order(("aes_generic", false), ("sha256-generic", false), ("dm_crypt", false)));

    [TestMethod]
    public void LoadOrder_MissingOptional_LeftOut_MissingRequired_ThrowsCcimg5133()
    {
        CollectionAssert.AreEqual(new List<string> { "dm_mod", "dm_crypt" }, Order(("sha256_ssse3", true), ("dm_crypt", false)));
        var e = Assert.ThrowsExactly<CcImageException>(() => Index.LoadOrder([("nvme", false)]));
        Assert.AreEqual("CCIMG5133", e.Code);
        StringAssert.Contains(e.Message, "nvme");
    }

    [TestMethod]
    public void LoadOrder_OptionalModule_ItsOwnDependenciesOptional_SharedOnesRequired() =>
        CollectionAssert.AreEqual(new List<string> { "?cryptd", "?crypto_simd", "?aesni_intel", "dm_mod", "dm_crypt", "?virtio_rng" },
            Order(("aesni_intel", true), ("dm_crypt", false), ("virtio_rng", true)));

    [TestMethod]
    public void LoadOrder_OptionalFirstThenRequired_BecomesRequired() =>
        CollectionAssert.AreEqual(new List<string> { "cryptd", "crypto_simd", "aesni_intel" },
            Order(("aesni_intel", true), ("crypto_simd", false), ("aesni-intel", false)));

    [TestMethod]
    public void LoadOrder_PathsAreThoseOfModulesDep()
    {
        var rng = Index.LoadOrder([("virtio_rng", false)]).Single();
        Assert.AreEqual("kernel/drivers/char/hw_random/virtio-rng.ko", rng.RelativePath);
        Assert.IsFalse(rng.Optional);
    }

    [TestMethod]
    [DataRow("kernel/a/x-y.ko", "x_y")]
    [DataRow("kernel/a/x-y.ko.xz", "x_y")]
    [DataRow("kernel/a/x_y.ko.zst", "x_y")]
    [DataRow("dm-mod", "dm_mod")]
    public void NameOf_StripsFolderAndExtension_DashesAreUnderscores(string path, string name) =>
        Assert.AreEqual(name, KernelModuleIndex.NameOf(path));

    [TestMethod]
    public void Parse_LineWithoutColon_ThrowsCcimg5135WithLine()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => KernelModuleIndex.Parse("a.ko:\nb.ko c.ko\n", null, "modules.dep"));
        Assert.AreEqual("CCIMG5135", e.Code);
        Assert.AreEqual(2, e.Line);
    }

    [TestMethod]
    public void Parse_ModuleTwice_ThrowsCcimg5135() =>
        Assert.AreEqual("CCIMG5135", Assert.ThrowsExactly<CcImageException>(() => KernelModuleIndex.Parse("x/a.ko:\ny/a.ko:\n", null, "d")).Code);

    [TestMethod]
    public void LoadOrder_DependencyCycle_ThrowsCcimg5134() =>
        Assert.AreEqual("CCIMG5134", Assert.ThrowsExactly<CcImageException>(() =>
            KernelModuleIndex.Parse("a.ko: b.ko\nb.ko: a.ko\n", null, "d").LoadOrder([("a", false)])).Code);

    [TestMethod]
    public void LoadOrder_DependencyNotListed_ThrowsCcimg5133() =>
        Assert.AreEqual("CCIMG5133", Assert.ThrowsExactly<CcImageException>(() =>
            KernelModuleIndex.Parse("a.ko: gone.ko\n", null, "d").LoadOrder([("a", false)])).Code);

    [TestMethod]
    public void LoadOrder_CompressedModule_ThrowsCcimg5141() =>
        Assert.AreEqual("CCIMG5141", Assert.ThrowsExactly<CcImageException>(() =>
            KernelModuleIndex.Parse("kernel/a.ko.zst:\n", null, "d").LoadOrder([("a", false)])).Code);
}
