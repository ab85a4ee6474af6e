// BootLayout validation (one CCIMG51xx code per mistake) and the layout file the init reads: written in mount order,
// read back to the same layout, and malformed text rejected with the line named.
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class BootLayoutTests
{
    private static readonly string[] ExpectedMountOrder = ["root", "opt", "a", "b", "deep"];

    private static readonly string[] ExpectedRecords =
    [
        "version 1",
        "init /usr/lib/systemd/systemd",
        "verity-check on-read",
        "partition root root verity / ro root-verity - -",
        "partition keys keys luks-keyfile /opt/keys ro - - -",
        "partition config nvflare-config verity /opt/nvflare/config ro - 8388608 -",
        "partition data data none /opt/nvflare/data rw - - -",
        "partition dynamic nvflare-dynamic luks-ephemeral /opt/nvflare/dynamic rw - - nodev,nosuid",
    ];

    private static BootPartition Root => new("root", "root", PartitionProtection.Verity, "/") { HashPartitionLabel = "root-verity" };

    private static BootLayout With(params BootPartition[] more) => new([Root, .. more]);

    private static void Throws(string code, Action action)
    {
        var e = Assert.ThrowsExactly<CcImageException>(action);
        Assert.AreEqual(code, e.Code, e.Message);
    }

    [TestMethod]
    public void Validate_ProductLayout_Passes()
    {
        var layout = With(
            new BootPartition("config", "config", PartitionProtection.Verity, "/opt/nvflare/config") { HashOffset = 1 << 20, MountOptions = "nodev,nosuid,noexec" },
            new BootPartition("dynamic", "dynamic", PartitionProtection.LuksEphemeral, "/opt/nvflare/dynamic"),
            new BootPartition("data", "data", PartitionProtection.None, "/opt/nvflare/data") { ReadOnly = true });
        Assert.AreSame(layout, layout.Validate());
        Assert.AreEqual("root", layout.Root.Name);
        Assert.IsTrue(layout.Uses(PartitionProtection.LuksEphemeral));
        Assert.IsFalse(layout.Uses(PartitionProtection.LuksKeyfile));
    }

    [TestMethod]
    public void Validate_NoRoot_ThrowsCcimg5101() =>
        Throws("CCIMG5101", () => new BootLayout([new BootPartition("a", "a", PartitionProtection.None, "/a")]).Validate());

    [TestMethod]
    public void Validate_TwoRoots_ThrowsCcimg5102() =>
        Throws("CCIMG5102", () => With(new BootPartition("other", "other", PartitionProtection.None, "/")).Validate());

    [TestMethod]
    [DataRow("opt/x")]
    [DataRow("/opt/x/")]
    [DataRow("/opt//x")]
    [DataRow("/opt/../etc")]
    [DataRow("/opt/./x")]
    [DataRow("/opt/with space")]
    [DataRow("")]
    public void Validate_MountPointNotNormalized_ThrowsCcimg5103(string mountPoint) =>
        Throws("CCIMG5103", () => With(new BootPartition("a", "a", PartitionProtection.None, mountPoint)).Validate());

    [TestMethod]
    [DataRow("/tmp")]
    [DataRow("/proc/x")]
    [DataRow("/run")]
    [DataRow("/dev")]
    [DataRow("/sys/kernel")]
    public void Validate_ReservedMountPoint_ThrowsCcimg5104(string mountPoint) =>
        Throws("CCIMG5104", () => With(new BootPartition("a", "a", PartitionProtection.None, mountPoint)).Validate());

    [TestMethod]
    public void Validate_TmpLikeButOutsideTmp_Passes() =>
        With(new BootPartition("a", "a", PartitionProtection.None, "/tmpdata")).Validate();

    [TestMethod]
    public void Validate_SameMountPointTwice_ThrowsCcimg5105() =>
        Throws("CCIMG5105", () => With(
            new BootPartition("a", "a", PartitionProtection.None, "/srv"),
            new BootPartition("b", "b", PartitionProtection.None, "/srv")).Validate());

    [TestMethod]
    [DataRow("")]
    [DataRow("-lead")]
    [DataRow("has.dot")]
    [DataRow("has space")]
    [DataRow("a23456789012345678901234567890123")]
    public void Validate_BadName_ThrowsCcimg5106(string name) =>
        Throws("CCIMG5106", () => With(new BootPartition(name, "label", PartitionProtection.None, "/srv")).Validate());

    [TestMethod]
    public void Validate_DuplicateName_ThrowsCcimg5107() =>
        Throws("CCIMG5107", () => With(new BootPartition("root", "other", PartitionProtection.None, "/srv")).Validate());

    [TestMethod]
    [DataRow("with space")]
    [DataRow("")]
    [DataRow(".hidden")]
    [DataRow("a234567890123456789012345678901234567")]
    public void Validate_BadLabel_ThrowsCcimg5108(string label) =>
        Throws("CCIMG5108", () => With(new BootPartition("a", label, PartitionProtection.None, "/srv")).Validate());

    [TestMethod]
    public void Validate_LabelUsedTwice_ThrowsCcimg5109()
    {
        Throws("CCIMG5109", () => With(new BootPartition("a", "root", PartitionProtection.None, "/srv")).Validate());
        Throws("CCIMG5109", () => With(new BootPartition("a", "root-verity", PartitionProtection.None, "/srv")).Validate());
    }

    [TestMethod]
    public void Validate_VerityWithoutHashLocation_ThrowsCcimg5110() =>
        Throws("CCIMG5110", () => new BootLayout([new BootPartition("root", "root", PartitionProtection.Verity, "/")]).Validate());

    [TestMethod]
    public void Validate_VerityWithBothHashLocations_ThrowsCcimg5111() =>
        Throws("CCIMG5111", () => new BootLayout([Root with { HashOffset = 4096 }]).Validate());

    [TestMethod]
    public void Validate_HashSettingsWithoutVerity_ThrowsCcimg5112() =>
        Throws("CCIMG5112", () => With(new BootPartition("a", "a", PartitionProtection.LuksEphemeral, "/srv") { HashOffset = 4096 }).Validate());

    [TestMethod]
    [DataRow(0L)]
    [DataRow(-4096L)]
    [DataRow(1000L)]
    public void Validate_BadHashOffset_ThrowsCcimg5113(long offset) =>
        Throws("CCIMG5113", () => With(new BootPartition("a", "a", PartitionProtection.Verity, "/srv") { HashOffset = offset }).Validate());

    [TestMethod]
    [DataRow(PartitionProtection.LuksEphemeral)]
    [DataRow(PartitionProtection.LuksKeyfile)]
    public void Validate_LuksRoot_ThrowsCcimg5114(PartitionProtection protection) =>
        Throws("CCIMG5114", () => new BootLayout([new BootPartition("root", "root", protection, "/")]).Validate());

    [TestMethod]
    public void Validate_UndefinedProtection_ThrowsCcimg5115() =>
        Throws("CCIMG5115", () => With(new BootPartition("a", "a", (PartitionProtection)42, "/srv")).Validate());

    [TestMethod]
    [DataRow("ro")]
    [DataRow("nodev,rw")]
    [DataRow("nodev,,nosuid")]
    [DataRow("nodev nosuid")]
    [DataRow("bind")]
    [DataRow("NODEV")]
    public void Validate_BadMountOptions_ThrowsCcimg5116(string options) =>
        Throws("CCIMG5116", () => With(new BootPartition("a", "a", PartitionProtection.None, "/srv") { MountOptions = options }).Validate());

    [TestMethod]
    [DataRow("sbin/init")]
    [DataRow("/")]
    [DataRow("/sbin/../init")]
    public void Validate_BadInit_ThrowsCcimg5118(string init) =>
        Throws("CCIMG5118", () => (With() with { Init = init }).Validate());

    [TestMethod]
    public void Validate_UndefinedVerityCheck_ThrowsCcimg5119() =>
        Throws("CCIMG5119", () => (With() with { VerityCheck = (VerityCheck)7 }).Validate());

    [TestMethod]
    public void Write_DefaultLayout_ChecksEveryVerityBlock() =>
        StringAssert.Contains(BootLayoutFile.Write(With()), "\nverity-check full\n");

    [TestMethod]
    public void MountOrder_ParentsBeforeChildren_ThenByPath()
    {
        var layout = With(
            new BootPartition("deep", "deep", PartitionProtection.None, "/opt/a/b"),
            new BootPartition("b", "b", PartitionProtection.None, "/opt/b"),
            new BootPartition("a", "a", PartitionProtection.None, "/opt/a"),
            new BootPartition("opt", "opt", PartitionProtection.None, "/opt"));
        CollectionAssert.AreEqual(ExpectedMountOrder, layout.MountOrder.Select(p => p.Name).ToList());
    }

    [TestMethod]
    public void Write_ThenParse_GivesTheSameLayout_InMountOrder()
    {
        // Verity partitions are written "ro" whatever ReadOnly says; they are read back with ReadOnly set.
        var layout = new BootLayout([
            Root with { ReadOnly = true },
            new BootPartition("dynamic", "nvflare-dynamic", PartitionProtection.LuksEphemeral, "/opt/nvflare/dynamic") { MountOptions = "nodev,nosuid" },
            new BootPartition("config", "nvflare-config", PartitionProtection.Verity, "/opt/nvflare/config") { HashOffset = 8 << 20, ReadOnly = true },
            new BootPartition("keys", "keys", PartitionProtection.LuksKeyfile, "/opt/keys") { ReadOnly = true },
            new BootPartition("data", "data", PartitionProtection.None, "/opt/nvflare/data")]) { Init = "/usr/lib/systemd/systemd", VerityCheck = VerityCheck.OnRead };
        string text = BootLayoutFile.Write(layout);
        string[] records = text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith('#')).ToArray();
        CollectionAssert.AreEqual(ExpectedRecords, records);

        var parsed = BootLayoutFile.Parse(text, "layout");
        Assert.AreEqual(layout.Init, parsed.Init);
        Assert.AreEqual(VerityCheck.OnRead, parsed.VerityCheck);
        CollectionAssert.AreEqual(layout.MountOrder.ToList(), parsed.Partitions.ToList());
        Assert.AreEqual(text, BootLayoutFile.Write(parsed));
    }

    [TestMethod]
    public void Write_VerityPartition_IsAlwaysReadOnly() =>
        StringAssert.Contains(BootLayoutFile.Write(new BootLayout([Root with { ReadOnly = false }])), "partition root root verity / ro ");

    [TestMethod]
    [DataRow("partition root root verity / ro root-verity -", 3)]
    [DataRow("partition root root verity / maybe root-verity - -", 3)]
    [DataRow("partition root root verity / ro - 12x -", 3)]
    [DataRow("mystery thing", 3)]
    [DataRow("init", 3)]
    [DataRow("verity-check some", 3)]
    public void Parse_MalformedRecord_ThrowsCcimg5117WithTheLine(string record, int line)
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => BootLayoutFile.Parse("# header\nversion 1\n" + record + "\n", "layout.txt"));
        Assert.AreEqual("CCIMG5117", e.Code, e.Message);
        Assert.AreEqual(line, e.Line);
        Assert.AreEqual("layout.txt", e.File);
    }

    [TestMethod]
    public void Parse_OtherVersionOrNone_ThrowsCcimg5117()
    {
        Throws("CCIMG5117", () => BootLayoutFile.Parse("version 2\npartition root root verity / ro root-verity - -\n", "l"));
        Throws("CCIMG5117", () => BootLayoutFile.Parse("partition root root verity / ro root-verity - -\n", "l"));
    }

    [TestMethod]
    [DataRow("encrypted")]
    [DataRow("luks")]
    public void Parse_UnknownProtectionName_ThrowsCcimg5115(string protection) =>
        Throws("CCIMG5115", () => BootLayoutFile.Parse($"version 1\npartition root root {protection} / ro - - -\n", "l"));

    [TestMethod]
    public void Parse_ValidRecordsButBadLayout_ThrowsTheValidationCode() =>
        Throws("CCIMG5101", () => BootLayoutFile.Parse("version 1\npartition a a none /a rw - - -\n", "l"));

    [TestMethod]
    [DataRow("none", PartitionProtection.None)]
    [DataRow("Verity", PartitionProtection.Verity)]
    [DataRow("luks-ephemeral", PartitionProtection.LuksEphemeral)]
    [DataRow(" LUKS-KEYFILE ", PartitionProtection.LuksKeyfile)]
    public void ProtectionNames_Parse_IsCaseInsensitive(string name, PartitionProtection expected)
    {
        Assert.AreEqual(expected, PartitionProtectionNames.Parse(name, "p"));
        Assert.AreEqual(expected, PartitionProtectionNames.Parse(PartitionProtectionNames.Format(expected), "p"));
    }
}
