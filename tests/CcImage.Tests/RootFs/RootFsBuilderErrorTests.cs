// RootFsBuilder's errors: each bad input is a coded error that says what to fix, raised before mmdebstrap runs (or
// early in it), with nothing left at the destination; a cancelled build leaves no files, mounts or processes.
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;
using CcImage.Core.RootFs;
using CcImage.Core.Tools;

namespace CcImage.Tests.RootFs;

[TestClass]
public class RootFsBuilderErrorTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("rootfs-errors");

    [TestCleanup]
    public void Cleanup() => RootTree.Delete(SharedRootFs.Runner, _dir);

    private string Destination => Path.Combine(_dir, "out", "rootfs.tar");

    /// <summary>Builds and expects <paramref name="code"/>; asserts nothing is left beside the destination.</summary>
    private CcImageException Fails(string code, RootFsSpec spec, RecordingLog? log = null)
    {
        log ??= new RecordingLog();
        var e = Assert.ThrowsExactly<CcImageException>(() =>
            RootFsBuilder.Build(spec, Destination, new ToolRunner(log), log, CancellationToken.None));
        Assert.AreEqual(code, e.Code, e.ToString());
        string folder = Path.GetDirectoryName(Destination)!;
        if (Directory.Exists(folder))
            Assert.IsEmpty(Directory.GetFileSystemEntries(folder), "the failed build left " + string.Join(", ", Directory.GetFileSystemEntries(folder)));
        return e;
    }

    [TestMethod]
    public void Build_LockedVersionTheMirrorLacks_ThrowsCcimg4101NamingPackageAndVersion()
    {
        var packageLock = new PackageLock("debian", "bookworm", "amd64",
            [new LockedPackage("base-files", "0.0-ccimage-test", "amd64"), new LockedPackage("dpkg", "0.0-ccimage-test", "amd64")]);
        var e = Fails("CCIMG4101", new RootFsSpec { Lock = packageLock, SourceDateEpoch = SharedRootFs.Epoch });
        StringAssert.Contains(e.Message, "base-files 0.0-ccimage-test");
        StringAssert.Contains(e.Message, "snapshot mirror");
    }

    [TestMethod]
    public void Build_UnknownPackage_ThrowsCcimg4100NamingIt()
    {
        var e = Fails("CCIMG4100", new RootFsSpec { Packages = ["systemd", "ccimage-no-such-package"] });
        StringAssert.Contains(e.Message, "'ccimage-no-such-package'");
    }

    [TestMethod]
    public void Build_VirtualPackage_ThrowsCcimg4100NamingProviders()
    {
        var e = Fails("CCIMG4100", new RootFsSpec { Packages = ["awk"] });
        StringAssert.Contains(e.Message, "mawk");
    }

    [TestMethod]
    public void Build_ConflictingPackages_ThrowsCcimg4113()
    {
        var e = Fails("CCIMG4113", new RootFsSpec { Packages = ["systemd-sysv", "sysvinit-core"] });
        StringAssert.Contains(e.Message, "Conflicts");
    }

    [TestMethod]
    public void Build_UnreachableMirror_ThrowsCcimg4102()
    {
        var e = Fails("CCIMG4102", new RootFsSpec { Mirror = "http://127.0.0.1:9/debian" });
        StringAssert.Contains(e.Message, "127.0.0.1:9");
    }

    [TestMethod]
    public void Build_UnknownSuite_ThrowsCcimg4104() =>
        Fails("CCIMG4104", new RootFsSpec { Suite = "ccimage-no-such-suite" });

    [TestMethod]
    public void Build_KeyringThatDoesNotSignTheMirror_ThrowsCcimg4112() =>
        Fails("CCIMG4112", new RootFsSpec { Keyring = "/usr/share/keyrings/debian-archive-removed-keys.gpg" });

    [TestMethod]
    public void Build_MissingKeyring_ThrowsCcimg4103BeforeAnyTool()
    {
        var log = new RecordingLog();
        Fails("CCIMG4103", new RootFsSpec { Keyring = Path.Combine(_dir, "missing.gpg") }, log);
        Assert.IsEmpty(log.Entries);
    }

    [TestMethod]
    public void Build_CcFileShaMismatch_ThrowsCcimg4107BeforeAnyTool()
    {
        string file = Path.Combine(_dir, "snpguest");
        File.WriteAllText(file, "not the pinned binary");
        string pinned = new('a', 64);
        var log = new RecordingLog();
        var e = Fails("CCIMG4107", new RootFsSpec { Files = [new RootFsFile(file, "/usr/local/bin/snpguest") { Sha256 = pinned }] }, log);
        StringAssert.Contains(e.Message, file);
        StringAssert.Contains(e.Message, pinned);
        StringAssert.Contains(e.Message, FileHash.Sha256Hex(file));
        Assert.IsEmpty(log.Entries, "a tool ran before the pin was checked: " + string.Join(" | ", log.Entries.Select(x => x.Message)));
        Assert.IsFalse(Directory.Exists(Path.GetDirectoryName(Destination)));
    }

    [TestMethod]
    public void Build_CcFileMissingOrRelative_ThrowsBeforeAnyTool()
    {
        Fails("CCIMG4105", new RootFsSpec { Files = [new RootFsFile(Path.Combine(_dir, "missing"), "/etc/x")] });
        string file = Path.Combine(_dir, "present");
        File.WriteAllText(file, "x");
        var e = Fails("CCIMG4106", new RootFsSpec { Files = [new RootFsFile(file, "etc/x")] });
        StringAssert.Contains(e.Message, "does not start with /");
    }

    [TestMethod]
    public void Build_NotADeb_ThrowsCcimg4109()
    {
        string deb = Path.Combine(_dir, "driver.deb");
        File.WriteAllText(deb, "not an ar archive");
        Fails("CCIMG4109", new RootFsSpec { Debs = [deb] });
    }

    [TestMethod]
    public void Build_Cancelled_LeavesNoFilesMountsOrProcesses()
    {
        using var cancel = new CancellationTokenSource();
        var log = new CancellingLog("I: installing essential packages", cancel);
        Assert.ThrowsExactly<OperationCanceledException>(() =>
            RootFsBuilder.Build(new RootFsSpec { SourceDateEpoch = SharedRootFs.Epoch }, Destination, new ToolRunner(log), log, cancel.Token));
        Assert.IsTrue(log.Triggered, "the build ended before it was cancelled");
        string folder = Path.GetDirectoryName(Destination)!;
        Assert.IsEmpty(Directory.GetFileSystemEntries(folder), "the cancelled build left " + string.Join(", ", Directory.GetFileSystemEntries(folder)));
        Assert.IsEmpty(MountTable.MountsUnder(_dir));
        Assert.IsEmpty(ProcessesMentioning(_dir), "processes of the cancelled build still run");
    }

    private static List<string> ProcessesMentioning(string text)
    {
        var found = new List<string>();
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out _))
                continue;
            try
            {
                string commandLine = File.ReadAllText(Path.Combine(entry, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal))
                    found.Add(Path.GetFileName(entry) + ": " + commandLine);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }

    /// <summary>A log that cancels the build when a given message arrives.</summary>
    private sealed class CancellingLog(string trigger, CancellationTokenSource cancel) : ILog
    {
        public bool Triggered { get; private set; }

        public void Info(string message)
        {
            if (message.Contains(trigger, StringComparison.Ordinal))
            {
                Triggered = true;
                cancel.Cancel();
            }
        }

        public void Detail(string message) { }
        public void Warning(string code, string message) { }
    }
}
