// RootFsSpec: the cache manifest names exactly what changes the tarball (every setting, file and deb contents, the
// lock, the tool versions) and nothing else (input paths, package order); defaults come from the machine's apt
// sources; bad settings are coded errors before anything runs.
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.RootFs;

[TestClass]
public class RootFsSpecTests
{
    private static readonly RootFsToolVersions Tools = new("1.3.5-2", "2.6.1", "1.21.22", "1.34+dfsg-1.2+deb12u1");
    private string _dir = "";
    private string _machine = "";
    private string _keyring = "";

    [TestInitialize]
    public void Init()
    {
        _dir = TestPaths.NewTempDir("rootfs-spec");
        _machine = Path.Combine(_dir, "machine");
        Directory.CreateDirectory(Path.Combine(_machine, "etc", "apt", "sources.list.d"));
        File.WriteAllText(Path.Combine(_machine, "etc", "os-release"), "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n");
        File.WriteAllText(Path.Combine(_machine, "etc", "apt", "sources.list.d", "debian.sources"),
            "Types: deb\nURIs: http://mirror.invalid/debian/\nSuites: bookworm bookworm-updates\nComponents: main\n\n" +
            "Types: deb\nURIs: http://mirror.invalid/debian-security\nSuites: bookworm-security\nComponents: main\n");
        _keyring = Path.Combine(_dir, "keyring.gpg");
        File.WriteAllBytes(_keyring, [1, 2, 3]);
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private RootFsSpec Base(string folder = "a")
    {
        string inputs = Path.Combine(_dir, folder);
        Directory.CreateDirectory(inputs);
        File.WriteAllText(Path.Combine(inputs, "tool"), "#!/bin/sh\n");
        File.WriteAllText(Path.Combine(inputs, "driver.deb"), "not really a deb, only hashed here");
        return new RootFsSpec
        {
            MachineRoot = _machine,
            Keyring = _keyring,
            Packages = ["systemd", "python3"],
            Debs = [Path.Combine(inputs, "driver.deb")],
            Files = [new RootFsFile(Path.Combine(inputs, "tool"), "/usr/local/bin/tool") { Mode = (UnixFileMode)0x1ED }],
            SourceDateEpoch = 1700000000,
        };
    }

    [TestMethod]
    public void CacheManifest_SameContentInOtherFoldersAndOrder_IsIdentical()
    {
        var a = Base("a");
        var b = Base("b") with { Packages = ["python3", "systemd", "python3"] };
        Assert.AreEqual(a.CacheManifest(Tools), b.CacheManifest(Tools));
    }

    [TestMethod]
    public void CacheManifest_NamesResolvedMirrorAndEveryInput()
    {
        string manifest = Base().CacheManifest(Tools);
        StringAssert.Contains(manifest, "\"mirror\": \"http://mirror.invalid/debian\"");
        StringAssert.Contains(manifest, "\"mmdebstrap\": \"1.3.5-2\"");
        StringAssert.Contains(manifest, "\"timezone\": \"Etc/UTC\"");
        StringAssert.Contains(manifest, "\"mode\": \"0755\"");
        StringAssert.Contains(manifest, "\"owner\": \"0:0\"");
        StringAssert.Contains(manifest, "\"lock\": null");
        Assert.IsFalse(manifest.Contains(Path.Combine(_dir, "a"), StringComparison.Ordinal), "an input file's path is in the manifest");
        // The keyring's path is in: it is written into the image's apt sources.
        StringAssert.Contains(manifest, $"\"keyring\": \"{_keyring}\"");
    }

    [TestMethod]
    public void CacheManifest_EachChange_GivesAnotherManifest()
    {
        var baseline = Base();
        string tool = baseline.Files[0].Source;
        var changes = new List<Func<RootFsSpec>>
        {
            () => baseline with { Packages = ["systemd"] },
            () => baseline with { Suite = "trixie" },
            () => baseline with { Mirror = "http://other.invalid/debian" },
            () => baseline with { Components = ["main", "contrib"] },
            () => baseline with { SourceDateEpoch = 1700000001 },
            () => baseline with { Locale = "en_US.UTF-8" },
            () => baseline with { Timezone = "Europe/Berlin" },
            () => baseline with { Files = [baseline.Files[0] with { Mode = RootFsFile.DefaultMode }] },
            () => baseline with { Files = [baseline.Files[0] with { Owner = "nvflare:nvflare" }] },
            () => baseline with { Files = [baseline.Files[0] with { Destination = "/opt/tool" }] },
            () => baseline with { Lock = new PackageLock("debian", "bookworm", "amd64", [new LockedPackage("systemd", "252.39-1~deb12u2", "amd64")]) },
        };
        var manifests = new HashSet<string> { baseline.CacheManifest(Tools) };
        foreach (var change in changes)
            Assert.IsTrue(manifests.Add(change().CacheManifest(Tools)), "a change left the manifest as it was");
        Assert.IsTrue(manifests.Add(baseline.CacheManifest(Tools with { Mmdebstrap = "1.4.0-1" })));
        File.AppendAllText(tool, "echo changed\n");
        Assert.IsTrue(manifests.Add(baseline.CacheManifest(Tools)), "changing a CcFile's content left the manifest as it was");
        File.AppendAllText(baseline.Debs[0], "changed");
        Assert.IsTrue(manifests.Add(baseline.CacheManifest(Tools)), "changing a CcDeb's content left the manifest as it was");
    }

    [TestMethod]
    public void VerifyFileHashes_Mismatch_ThrowsCcimg4107NamingFileExpectedAndActual()
    {
        var spec = Base();
        string actual = CcImage.Core.Hashing.FileHash.Sha256Hex(spec.Files[0].Source);
        string pinned = new('0', 64);
        spec = spec with { Files = [spec.Files[0] with { Sha256 = pinned }] };
        var e = Assert.ThrowsExactly<CcImageException>(() => spec.CacheManifest(Tools));
        Assert.AreEqual("CCIMG4107", e.Code);
        StringAssert.Contains(e.Message, spec.Files[0].Source);
        StringAssert.Contains(e.Message, actual);
        StringAssert.Contains(e.Message, pinned);
    }

    [TestMethod]
    public void ResolveSources_OtherDistributionWithoutMirror_ThrowsCcimg4116() =>
        GptTestDisk.AssertThrowsCode("CCIMG4116", () => (Base() with { Distribution = "ubuntu", Suite = "noble" }).ResolveSources());

    [TestMethod]
    public void ResolveSources_UbuntuWithMirrorAndKeyring_Resolves()
    {
        var sources = (Base() with { Distribution = "ubuntu", Suite = "noble", Mirror = "http://mirror.invalid/ubuntu/" }).ResolveSources();
        Assert.AreEqual("http://mirror.invalid/ubuntu", sources.Mirror);
        Assert.AreEqual(RootFsDistribution.Ubuntu, sources.Distribution);
    }

    [TestMethod]
    public void ResolveSources_NoMachineSource_ThrowsCcimg4119()
    {
        File.Delete(Path.Combine(_machine, "etc", "apt", "sources.list.d", "debian.sources"));
        GptTestDisk.AssertThrowsCode("CCIMG4119", () => Base().ResolveSources());
    }

    [TestMethod]
    public void ResolveSources_MissingKeyring_ThrowsCcimg4103NamingThePackage()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => (Base() with { Keyring = null, Distribution = "debian", MachineRoot = _machine }
            with { Keyring = Path.Combine(_dir, "missing.gpg") }).ResolveSources());
        Assert.AreEqual("CCIMG4103", e.Code);
        StringAssert.Contains(e.Message, "debian-archive-keyring");
    }

    [TestMethod]
    [DataRow("package", "CCIMG4115")]
    [DataRow("locale", "CCIMG4115")]
    [DataRow("timezone", "CCIMG4115")]
    [DataRow("suite", "CCIMG4115")]
    [DataRow("distribution", "CCIMG4115")]
    [DataRow("owner", "CCIMG4115")]
    [DataRow("mirror", "CCIMG4115")]
    [DataRow("file-missing", "CCIMG4105")]
    [DataRow("file-relative", "CCIMG4106")]
    [DataRow("file-dotdot", "CCIMG4106")]
    [DataRow("file-twice", "CCIMG4106")]
    [DataRow("deb-missing", "CCIMG4108")]
    [DataRow("lock-other-suite", "CCIMG4111")]
    public void Validate_BadSetting_ThrowsItsCode(string what, string code)
    {
        var spec = Base();
        var file = spec.Files[0];
        spec = what switch
        {
            "package" => spec with { Packages = ["systemd;reboot"] },
            "locale" => spec with { Locale = "de_DE.ISO-8859-1" },
            "timezone" => spec with { Timezone = "../../etc/passwd" },
            "suite" => spec with { Suite = "book worm" },
            "distribution" => spec with { Distribution = "fedora" },
            "owner" => spec with { Files = [file with { Owner = "root:wheel:x" }] },
            "mirror" => spec with { Mirror = "deb http://x" },
            "file-missing" => spec with { Files = [file with { Source = Path.Combine(_dir, "missing") }] },
            "file-relative" => spec with { Files = [file with { Destination = "usr/local/bin/tool" }] },
            "file-dotdot" => spec with { Files = [file with { Destination = "/usr/../etc/shadow" }] },
            "file-twice" => spec with { Files = [file, file] },
            "deb-missing" => spec with { Debs = [Path.Combine(_dir, "missing.deb")] },
            "lock-other-suite" => spec with { Lock = new PackageLock("debian", "trixie", "amd64", []) },
            _ => throw new ArgumentOutOfRangeException(nameof(what)),
        };
        GptTestDisk.AssertThrowsCode(code, spec.Validate);
    }

    [TestMethod]
    [DataRow("0644", 0x1A4)]
    [DataRow("755", 0x1ED)]
    [DataRow("4755", 0x9ED)]
    public void ParseMode_Octal_GivesBits(string text, int bits) =>
        Assert.AreEqual((UnixFileMode)bits, RootFsSpec.ParseMode(text, "Mode"));

    [TestMethod]
    [DataRow("rw-r--r--")]
    [DataRow("0888")]
    [DataRow("17777")]
    public void ParseMode_NotOctalBits_ThrowsCcimg4115(string text) =>
        GptTestDisk.AssertThrowsCode("CCIMG4115", () => RootFsSpec.ParseMode(text, "Mode"));
}
