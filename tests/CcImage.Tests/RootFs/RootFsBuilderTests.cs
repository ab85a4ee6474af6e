// RootFsBuilder on a real mirror: the shared base build (SharedRootFs) checked with the reference tools (GNU tar,
// dpkg-query), and a second build of the same spec with the first build's package lock, in another folder and with
// the chroot on disk (the shared build has it in memory), which must give the same bytes (the reproducibility, lock
// and in-memory tests in one run).
using CcImage.Core.RootFs;
using CcImage.Core.Tools;

namespace CcImage.Tests.RootFs;

[TestClass]
public class RootFsBuilderTests
{
    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Build_BasePackages_HasKernelAndModulesWithoutDistributionInitrd()
    {
        var kernel = SharedRootFs.Result.Kernels.Single();
        StringAssert.Matches(kernel.Version, new System.Text.RegularExpressions.Regex(@"^\d+\.\d+\.\d+-\d+-amd64$"));
        Assert.AreEqual($"boot/vmlinuz-{kernel.Version}", kernel.ImagePath);
        Assert.AreEqual($"usr/lib/modules/{kernel.Version}", kernel.ModulesPath);

        var names = TarNames(SharedRootFs.Tarball);
        Assert.Contains($"boot/vmlinuz-{kernel.Version}", names);
        Assert.Contains($"usr/lib/modules/{kernel.Version}/modules.dep", names);
        Assert.IsTrue(names.Any(n => n.StartsWith($"usr/lib/modules/{kernel.Version}/kernel/drivers/md/dm-verity.ko", StringComparison.Ordinal)));
        Assert.IsFalse(names.Any(n => n.StartsWith("boot/initrd.img", StringComparison.Ordinal) || n.StartsWith("initrd.img", StringComparison.Ordinal)),
            "a distribution initramfs is in the tarball");
        // No initramfs generation ran at all (update-initramfs prints this line when it builds one).
        Assert.IsFalse(SharedRootFs.Log.Entries.Any(e => e.Message.Contains("update-initramfs: Generating", StringComparison.Ordinal)));
        TestContext.WriteLine($"shared base build: {SharedRootFs.Elapsed.TotalSeconds:F0} s, {SharedRootFs.Result.Packages.Count} packages");
    }

    [TestMethod]
    public void Build_Settings_LocaleTimezoneHostNameMachineId()
    {
        string tar = SharedRootFs.Tarball;
        Assert.AreEqual("LANG=C.UTF-8\n", TarText(tar, "./etc/default/locale"));
        Assert.AreEqual("Etc/UTC\n", TarText(tar, "./etc/timezone"));
        Assert.AreEqual("localhost\n", TarText(tar, "./etc/hostname"));
        Assert.AreEqual("", TarText(tar, "./etc/machine-id"));
        string listing = RefTools.Run("tar", "-tvf", tar, "./etc/localtime", "./etc/hostname").AssertSuccess("tar -tv").StandardOutput;
        StringAssert.Contains(listing, "./etc/localtime -> /usr/share/zoneinfo/Etc/UTC");
        StringAssert.Contains(listing, "-rw-r--r-- 0/0");
        var names = TarNames(tar);
        Assert.DoesNotContain("etc/resolv.conf", names);
        Assert.Contains("usr/share/zoneinfo/Etc/UTC", names);
        Assert.Contains("usr/lib/locale/C.utf8/LC_CTYPE", names);
        Assert.IsFalse(names.Any(n => n.StartsWith("tmp/", StringComparison.Ordinal)), "temporary files left in /tmp");
        Assert.DoesNotContain("etc/dpkg/dpkg.cfg.d/zz-ccimage-build", names);
    }

    [TestMethod]
    public void Build_Packages_MatchDpkgQueryOfTheTree()
    {
        string admin = Path.Combine(TestPaths.NewTempDir("dpkg-admin"));
        try
        {
            File.WriteAllText(Path.Combine(admin, "status"), TarText(SharedRootFs.Tarball, "./var/lib/dpkg/status"));
            Directory.CreateDirectory(Path.Combine(admin, "info"));
            Directory.CreateDirectory(Path.Combine(admin, "updates"));
            var query = RefTools.Run("dpkg-query", "--admindir=" + admin, "-W", "-f", "${db:Status-Abbrev}\t${Package}\t${Version}\t${Architecture}\n")
                .AssertSuccess("dpkg-query").StandardOutput;
            var expected = query.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t'))
                .Where(f => f[0].StartsWith("ii", StringComparison.Ordinal)).Select(f => new LockedPackage(f[1], f[2], f[3]))
                .OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
            CollectionAssert.AreEqual(expected, SharedRootFs.Result.Packages.ToList());
            foreach (string package in SharedRootFs.BasePackages)
                Assert.IsTrue(SharedRootFs.Result.Packages.Any(p => p.Name == package), package + " is not installed");
            CollectionAssert.AreEqual(expected, SharedRootFs.Result.Lock.Packages.ToList());
        }
        finally
        {
            Directory.Delete(admin, recursive: true);
        }
    }

    [TestMethod]
    public void Build_LocalDeb_IsInstalledWithItsDependency()
    {
        var packages = SharedRootFs.Result.Packages;
        Assert.Contains(new LockedPackage(RootFsFixtures.FixturePackage, RootFsFixtures.FixtureVersion, "all"), packages);
        Assert.IsTrue(packages.Any(p => p.Name == RootFsFixtures.FixtureDependency), "the fixture's dependency was not installed");
        Assert.AreEqual(RootFsFixtures.FixtureFileText, TarText(SharedRootFs.Tarball, "." + RootFsFixtures.FixtureFileInPackage));
    }

    [TestMethod]
    public void Build_CcFile_CopiedWithModeAndOwnerAfterPackages()
    {
        string tar = SharedRootFs.Tarball;
        Assert.AreEqual(SharedRootFs.ExtraFileText, TarText(tar, "." + SharedRootFs.ExtraFileDestination));
        string group = TarText(tar, "./etc/group").Split('\n').Single(l => l.StartsWith("systemd-journal:", StringComparison.Ordinal));
        string gid = group.Split(':')[2];
        string listing = RefTools.Run("tar", "--numeric-owner", "-tvf", tar, "." + SharedRootFs.ExtraFileDestination)
            .AssertSuccess("tar -tv").StandardOutput;
        StringAssert.StartsWith(listing, $"-rwxr-x--- 0/{gid} ");
    }

    [TestMethod]
    public void Build_Progress_StreamsWhileMmdebstrapRuns()
    {
        var lines = SharedRootFs.Log.Entries.Where(e => e.Level == "info" && e.Message.StartsWith("mmdebstrap: ", StringComparison.Ordinal)).ToList();
        Assert.IsGreaterThan(8, lines.Count, "mmdebstrap's status lines did not reach the log");
        // Buffered until exit, every line would arrive within milliseconds of the last one.
        var spread = lines[^1].At - lines[0].At;
        Assert.IsGreaterThan(TimeSpan.FromSeconds(10), spread, $"mmdebstrap's lines arrived within {spread.TotalSeconds:F1} s");
        Assert.IsTrue(lines.Any(l => l.Message.Contains("packages set up", StringComparison.Ordinal)), "no package count in the log");
    }

    [TestMethod]
    public void Build_SameSpecWithLock_GivesIdenticalBytes()
    {
        string folder = TestPaths.NewTempDir("rootfs-locked");
        try
        {
            var first = SharedRootFs.Result;
            string lockPath = Path.Combine(folder, "packages.lock.json");
            first.Lock.Write(lockPath);
            var spec = SharedRootFs.Spec with { Lock = PackageLock.Read(lockPath) };
            var log = new RecordingLog();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var second = RootFsBuilder.Build(spec, Path.Combine(folder, "elsewhere", "base.tar"), new ToolRunner(log), log, CancellationToken.None);
            TestContext.WriteLine($"locked rebuild on disk: {clock.Elapsed.TotalSeconds:F0} s; shared build in memory: {SharedRootFs.Elapsed.TotalSeconds:F0} s");

            Assert.AreEqual(first.Sha256, second.Sha256, "two builds of the same spec (the second with the first's lock) differ");
            Assert.AreEqual(first.Lock.ToJson(), second.Lock.ToJson());
            Assert.IsTrue(log.Entries.Any(e => e.Message.StartsWith("The mirror has every locked version", StringComparison.Ordinal)));
            Assert.IsTrue(SharedRootFs.Log.Entries.Any(e => e.Message.StartsWith("Building the chroot in memory", StringComparison.Ordinal)));
            Assert.IsFalse(log.Entries.Any(e => e.Message.StartsWith("Building the chroot in memory", StringComparison.Ordinal)));
            Assert.IsEmpty(MountTable.MountsUnder(SharedRootFs.Folder), "the in-memory build left its tmpfs mounted");
            Assert.AreEqual("base.tar", Path.GetFileName(Directory.GetFileSystemEntries(Path.Combine(folder, "elsewhere")).Single()));
        }
        finally
        {
            RootTree.Delete(SharedRootFs.Runner, folder);
        }
    }

    [TestMethod]
    public void Build_GeneratedLocaleAndOtherTimezone_AreSetWithoutALocaleArchive()
    {
        string folder = TestPaths.NewTempDir("rootfs-locale");
        try
        {
            var spec = new RootFsSpec { Locale = "en_US.UTF-8", Timezone = "Europe/Berlin", SourceDateEpoch = SharedRootFs.Epoch };
            var log = new RecordingLog();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var result = RootFsBuilder.Build(spec, Path.Combine(folder, "minbase.tar"), new ToolRunner(log), log, CancellationToken.None);
            TestContext.WriteLine($"minbase with en_US.UTF-8: {clock.Elapsed.TotalSeconds:F0} s, {result.Packages.Count} packages");

            Assert.IsTrue(result.Packages.Any(p => p.Name == "locales"), "the locales package (localedef's data) was not installed");
            Assert.IsEmpty(result.Kernels);
            Assert.AreEqual("LANG=en_US.UTF-8\n", TarText(result.Tarball, "./etc/default/locale"));
            Assert.AreEqual("Europe/Berlin\n", TarText(result.Tarball, "./etc/timezone"));
            var names = TarNames(result.Tarball);
            Assert.Contains("usr/lib/locale/en_US.utf8/LC_CTYPE", names);
            Assert.Contains("usr/lib/locale/en_US.utf8/LC_COLLATE", names);
            Assert.DoesNotContain("usr/lib/locale/locale-archive", names);
            StringAssert.Contains(RefTools.Run("tar", "-tvf", result.Tarball, "./etc/localtime").AssertSuccess("tar -tv").StandardOutput,
                "./etc/localtime -> /usr/share/zoneinfo/Europe/Berlin");
        }
        finally
        {
            RootTree.Delete(SharedRootFs.Runner, folder);
        }
    }

    internal static HashSet<string> TarNames(string tarball) =>
        RefTools.Run("tar", "-tf", tarball).AssertSuccess("tar -t").StandardOutput
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(n => n.StartsWith("./", StringComparison.Ordinal) ? n[2..].TrimEnd('/') : n.TrimEnd('/'))
            .ToHashSet(StringComparer.Ordinal);

    internal static string TarText(string tarball, string member) =>
        RefTools.Run("tar", "-xOf", tarball, member).AssertSuccess("tar -xO " + member).StandardOutput;
}
