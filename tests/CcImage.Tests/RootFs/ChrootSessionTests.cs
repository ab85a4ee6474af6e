// ChrootSession on an extraction of the shared root filesystem: commands see /proc, /sys and a working /dev inside
// the tree, and every mount is gone afterwards — after success, failure, cancellation and a daemon left running —
// while the tree's own /dev stays as it was. A tree whose mount point is a symbolic link is refused.
using System.Diagnostics;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;
using CcImage.Core.Tools;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.RootFs;

[TestClass]
public class ChrootSessionTests
{
    private static string _dir = "";
    private static string _tree = "";
    private static ToolRunner Runner => SharedRootFs.Runner;

    [ClassInitialize]
    public static void Extract(TestContext context)
    {
        _dir = TestPaths.NewTempDir("chroot");
        _tree = Path.Combine(_dir, "tree");
        RootTree.Extract(Runner, SharedRootFs.Tarball, _tree);
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        if (_dir.Length > 0)
            RootTree.Delete(Runner, _dir);
    }

    [TestMethod]
    public void Run_InsideTree_SeesProcSysAndDev()
    {
        string version = File.ReadAllText(Path.Combine(_tree, "etc/debian_version")).Trim();
        using (var session = ChrootSession.Open(Runner, NullLog.Instance, _tree))
        {
            Assert.HasCount(11, session.Mounts); // proc, sys, dev, six devices, pts, shm
            var result = session.Run(["/bin/sh", "-c",
                "cat /etc/debian_version; test -r /proc/self/status; test -d /sys/kernel; echo written > /dev/null; " +
                "head -c 16 /dev/urandom | wc -c; test -d /dev/pts; test -w /dev/shm; echo \"$PATH|$HOME|$LC_ALL|${SECRET:-unset}\""]);
            var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.AreEqual(version, lines[0]);
            Assert.AreEqual("16", lines[1].Trim());
            Assert.AreEqual($"{ChrootSession.DefaultPath}|/root|C.UTF-8|unset", lines[2], "the host environment leaked into the tree");
            var python = session.Run(["python3", "-c", "import os, ssl; print(os.cpu_count() > 0, ssl.OPENSSL_VERSION.split()[0])"]);
            Assert.AreEqual("True OpenSSL\n", python.StandardOutput);
            CollectionAssert.IsSubsetOf(session.Mounts.ToList(), MountTable.MountsUnder(_tree));
        }
        Assert.IsEmpty(MountTable.MountsUnder(_tree));
        Assert.AreEqual(UnixFileStatus.TypeCharDevice, UnixFileStatus.TryGet(Path.Combine(_tree, "dev/null"))!.Type,
            "the tree's own /dev/null changed");
    }

    [TestMethod]
    public void Run_FailingCommand_ThrowsCcimg3002AndStillUnmounts()
    {
        using (var session = ChrootSession.Open(Runner, NullLog.Instance, _tree))
            GptTestDisk.AssertThrowsCode("CCIMG3002", () => session.Run(["/bin/sh", "-c", "echo broken >&2; exit 3"]));
        Assert.IsEmpty(MountTable.MountsUnder(_tree));
    }

    [TestMethod]
    public void Run_Cancelled_StopsTheCommandAndUnmounts()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var clock = Stopwatch.StartNew();
        using (var session = ChrootSession.Open(Runner, NullLog.Instance, _tree))
            Assert.ThrowsExactly<OperationCanceledException>(() => session.Run(["sleep", "120"], cancellationToken: cancel.Token));
        Assert.IsLessThan(TimeSpan.FromSeconds(60), clock.Elapsed);
        Assert.IsEmpty(MountTable.MountsUnder(_tree));
        Assert.IsEmpty(ProcessesRootedIn(_tree));
    }

    [TestMethod]
    public void Dispose_DaemonLeftRunning_IsStoppedAndEverythingUnmounted()
    {
        using (var session = ChrootSession.Open(Runner, NullLog.Instance, _tree))
        {
            session.Run(["/bin/sh", "-c", "setsid sleep 300 < /dev/null > /dev/null 2>&1 & echo started"]);
            Assert.IsNotEmpty(ProcessesRootedIn(_tree), "the daemon did not start");
        }
        Assert.IsEmpty(MountTable.MountsUnder(_tree));
        Assert.IsEmpty(ProcessesRootedIn(_tree));
    }

    [TestMethod]
    public void Open_MountPointIsASymlink_ThrowsCcimg4131AndMountsNothing()
    {
        string fake = Path.Combine(_dir, "fake");
        Directory.CreateDirectory(Path.Combine(fake, "proc"));
        Directory.CreateDirectory(Path.Combine(fake, "sys"));
        File.CreateSymbolicLink(Path.Combine(fake, "dev"), "/");
        var e = Assert.ThrowsExactly<CcImageException>(() => ChrootSession.Open(Runner, NullLog.Instance, fake));
        Assert.AreEqual("CCIMG4131", e.Code);
        StringAssert.Contains(e.Message, "symbolic link");
        Assert.IsEmpty(MountTable.MountsUnder(fake));
    }

    private static List<int> ProcessesRootedIn(string root)
    {
        var found = new List<int>();
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid))
                continue;
            try
            {
                string? target = new DirectoryInfo(Path.Combine(entry, "root")).LinkTarget;
                if (target == root)
                    found.Add(pid);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return found;
    }
}
