// KernelCommandLine: the fixed arguments, one ccimage.verity.<name>=<hex> per verity partition sorted by name, the
// extra arguments last; every verity partition needs a hash and nothing else may have one; the 2047-byte limit; extra
// arguments cannot take over the init's parameters.
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class KernelCommandLineTests
{
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = new('b', 64);

    private static BootLayout Layout => new(
    [
        new BootPartition("root", "root", PartitionProtection.Verity, "/") { HashPartitionLabel = "root-verity" },
        new BootPartition("config", "config", PartitionProtection.Verity, "/opt/nvflare/config") { HashOffset = 4096 },
        new BootPartition("dynamic", "dynamic", PartitionProtection.LuksEphemeral, "/opt/nvflare/dynamic"),
    ]);

    private static Dictionary<string, string> Hashes => new() { ["root"] = HashA, ["config"] = HashB };

    private static void Throws(string code, Action action)
    {
        var e = Assert.ThrowsExactly<CcImageException>(action);
        Assert.AreEqual(code, e.Code, e.Message);
    }

    [TestMethod]
    public void Build_Layout_FixedArgumentsThenSortedHashesThenExtra()
    {
        string line = KernelCommandLine.Build(Layout, Hashes, "  quiet   loglevel=3 ");
        Assert.AreEqual($"console=ttyS0 ro systemd.gpt_auto=0 systemd.swap=0 ccimage.verity.config={HashB} ccimage.verity.root={HashA} quiet loglevel=3", line);
    }

    [TestMethod]
    public void Build_SameInputsInAnotherOrder_SameText()
    {
        var reversed = new Dictionary<string, string> { ["config"] = HashB.ToUpperInvariant(), ["root"] = HashA };
        var layout = Layout with { Partitions = Layout.Partitions.Reverse().ToList() };
        Assert.AreEqual(KernelCommandLine.Build(Layout, Hashes, null), KernelCommandLine.Build(layout, reversed, ""));
    }

    [TestMethod]
    public void Build_MissingHash_ThrowsCcimg5120() =>
        Throws("CCIMG5120", () => KernelCommandLine.Build(Layout, new Dictionary<string, string> { ["root"] = HashA }, null));

    [TestMethod]
    [DataRow("xyz")]
    [DataRow("abc")]
    [DataRow("0123456789012345678901234567890123456789a")]
    public void Build_BadHash_ThrowsCcimg5121(string hash) =>
        Throws("CCIMG5121", () => KernelCommandLine.Build(Layout, new Dictionary<string, string> { ["root"] = HashA, ["config"] = hash }, null));

    [TestMethod]
    [DataRow("dynamic")]
    [DataRow("nothere")]
    public void Build_HashForNonVerityPartition_ThrowsCcimg5122(string name)
    {
        var hashes = Hashes;
        hashes[name] = HashA;
        Throws("CCIMG5122", () => KernelCommandLine.Build(Layout, hashes, null));
    }

    [TestMethod]
    public void Build_AtTheLimit_Fits_OneMoreByte_ThrowsCcimg5123()
    {
        string baseline = KernelCommandLine.Build(Layout, Hashes, "x");
        string fill = "x" + new string('y', KernelCommandLine.MaxBytes - baseline.Length);
        Assert.AreEqual(KernelCommandLine.MaxBytes, KernelCommandLine.Build(Layout, Hashes, fill).Length);
        Throws("CCIMG5123", () => KernelCommandLine.Build(Layout, Hashes, fill + "y"));
    }

    [TestMethod]
    [DataRow("ccimage.verity.root=00")]
    [DataRow("quiet ccimage.anything")]
    [DataRow("rdinit=/bin/sh")]
    [DataRow("init=/bin/sh")]
    [DataRow("root=/dev/vda1")]
    public void Build_ExtraTakingOverTheInit_ThrowsCcimg5124(string extra) =>
        Throws("CCIMG5124", () => KernelCommandLine.Build(Layout, Hashes, extra));

    [TestMethod]
    [DataRow("foo=\"a b\"")]
    [DataRow("caf\u00e9")]
    [DataRow("a\u0001b")]
    public void Build_ExtraTheInitCannotRead_ThrowsCcimg5125(string extra) =>
        Throws("CCIMG5125", () => KernelCommandLine.Build(Layout, Hashes, extra));

    [TestMethod]
    public void Build_LayoutWithoutVerity_HasNoHashes()
    {
        var layout = new BootLayout([new BootPartition("root", "root", PartitionProtection.None, "/") { ReadOnly = true }]);
        Assert.AreEqual("console=ttyS0 ro systemd.gpt_auto=0 systemd.swap=0", KernelCommandLine.Build(layout, new Dictionary<string, string>(), null));
    }
}
