// Builds a root filesystem tarball from distribution packages with mmdebstrap, in this order:
//   1. check the settings and the input files (CcFile SHA-256 pins included) before anything runs;
//   2. check the mirror with a private apt (MirrorCheck): reachable, suite present, signed by the keyring, every
//      requested package known, every locked version present;
//   3. run mmdebstrap (variant minbase, unshare mode, tar output to a temp file beside the destination) with the
//      hooks of RootFsHooks, its output streamed into the log as it runs;
//   4. read the tarball back (RootFsTarball): kernels, installed packages, no distribution initramfs, the timezone
//      exists, and the packages match the lock when there is one;
//   5. rename the tarball into place.
// The distribution's kernel is installed without the distribution's initramfs: INITRD=No in the environment makes the
// kernel's postinst hook (/etc/kernel/postinst.d/initramfs-tools, dracut's likewise) skip update-initramfs, and the
// initramfs-tools trigger then finds no initramfs to update. Reproducible: SOURCE_DATE_EPOCH (mmdebstrap clamps mtimes,
// empties /etc/machine-id and removes logs and caches that differ run to run), plus our fixed host name and no copied
// resolv.conf. mmdebstrap runs in unshare mode also as root (then without a user namespace, but with its own mount and
// pid namespaces), so a cancelled build leaves no mounts or processes behind, and the output is the same for root and
// other users.
using System.Diagnostics;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;
using CcImage.Core.Tools;

namespace CcImage.Core.RootFs;

public static class RootFsBuilder
{
    /// <summary>The kernel hooks' switch for "this kernel needs no initramfs" (initramfs-tools, dracut).</summary>
    public const string NoInitrdVariable = "INITRD";
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromHours(1);
    private const int ReasonLines = 5;
    private const long InMemoryShareNumerator = 3;
    private const long InMemoryShareDenominator = 4;
    private const long BytesPerKiB = 1024;

    /// <summary>
    /// Builds the root filesystem <paramref name="spec"/> describes into <paramref name="destinationTar"/> (a POSIX pax
    /// tarball). Nothing is written at the destination unless the whole build succeeds.
    /// </summary>
    public static RootFsResult Build(RootFsSpec spec, string destinationTar, ToolRunner runner, ILog log, CancellationToken cancellationToken,
        RootFsBuildOptions? options = null)
    {
        options ??= RootFsBuildOptions.Default;
        var clock = Stopwatch.StartNew();
        spec.Validate();
        spec.VerifyFileHashes();
        string mmdebstrap = ToolRunner.Locate(HostTool.Mmdebstrap);
        if (!UnixUser.IsRoot && !(UnixUser.HasSubordinateRange("/etc/subuid") && UnixUser.HasSubordinateRange("/etc/subgid")))
            throw Diag.Error(nameof(Strings.MmdebstrapUnshareUnavailable), Environment.UserName);
        var sources = spec.ResolveSources();
        var debs = spec.Debs.Select(d => LocalDeb.Read(runner, d, cancellationToken)).ToList();
        string destination = Path.GetFullPath(destinationTar);
        string work = WorkFolderBeside(destination);
        try
        {
            string? preferences = spec.Lock == null ? null : RootFsHooks.Preferences(spec.Lock);
            var check = CheckMirror(spec, sources, debs, preferences, Path.Combine(work, "apt"), runner, log, cancellationToken);

            string hooks = Path.Combine(work, "hooks");
            Directory.CreateDirectory(hooks);
            string setup = WriteScript(Path.Combine(hooks, "setup"), RootFsHooks.SetupScript(preferences, check.IndexFiles));
            string customize = WriteScript(Path.Combine(hooks, "customize"), RootFsHooks.CustomizeScript(spec, debs));

            var result = AtomicFile.Write(destination, temp =>
            {
                RunMmdebstrap(spec, sources, temp, setup, customize, work, mmdebstrap, options, runner, log, cancellationToken);
                return Inspect(spec, debs, temp, destination, log);
            });
            string kernels = result.Kernels.Count == 0 ? "no kernel" : "kernel " + string.Join(", ", result.Kernels.Select(k => k.Version));
            log.Info($"Root filesystem {destination}: {result.Packages.Count} packages, {kernels}, sha256 {result.Sha256}, " +
                     $"{clock.Elapsed.TotalSeconds:F0} s");
            return result;
        }
        finally
        {
            RootTree.Delete(runner, work);
        }
    }

    private static MirrorCheck CheckMirror(RootFsSpec spec, RootFsSources sources, List<LocalDeb> debs, string? preferences,
        string directory, ToolRunner runner, ILog log, CancellationToken cancellationToken)
    {
        var check = new MirrorCheck(runner, log, spec, sources, directory, preferences);
        check.Update(cancellationToken);
        var requests = spec.SortedPackages.Concat(spec.ImpliedPackages).Concat(debs.Select(d => d.Path)).ToList();
        var planned = check.Simulate(requests, locked: false, cancellationToken);
        if (spec.Lock == null)
        {
            log.Info($"The mirror has every requested package ({planned.Count} to install besides the minbase set)");
            return check;
        }
        var local = debs.Select(d => d.Package.Name).ToHashSet(StringComparer.Ordinal);
        var lockedRequests = spec.Lock.Packages.Where(p => !local.Contains(p.Name)).Select(p => $"{p.Name}={p.Version}").ToList();
        check.Simulate(lockedRequests, locked: true, cancellationToken);
        log.Info($"The mirror has every locked version ({lockedRequests.Count} packages)");
        return check;
    }

    private static void RunMmdebstrap(RootFsSpec spec, RootFsSources sources, string temp, string setupHook, string customizeHook,
        string work, string mmdebstrap, RootFsBuildOptions options, ToolRunner runner, ILog log, CancellationToken cancellationToken)
    {
        var includes = spec.SortedPackages.Concat(spec.ImpliedPackages).Distinct(StringComparer.Ordinal).ToList();
        var arguments = new List<string>
        {
            "--mode=unshare", $"--variant={RootFsSpec.Variant}", "--format=tar", $"--architectures={spec.Architecture}", "--verbose",
            $"--setup-hook={setupHook}", $"--customize-hook={customizeHook}",
        };
        if (includes.Count > 0)
            arguments.Add("--include=" + string.Join(',', includes));
        arguments.AddRange(["--", spec.Suite, temp, RootFsHooks.SourcesLine(spec, sources)]);

        var environment = new Dictionary<string, string?>
        {
            [Config.SourceDateEpoch.VariableName] = spec.SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [NoInitrdVariable] = "No",
            ["TZ"] = "UTC",
            // mmdebstrap reads an APT_CONFIG from the environment; the build's apt settings come from its arguments only.
            ["APT_CONFIG"] = null,
        };
        var tool = HostTool.Mmdebstrap;
        if (UnixUser.IsRoot)
        {
            // mmdebstrap's temporary chroot goes into the work folder, which is deleted even when mmdebstrap is killed.
            string tmp = Path.Combine(work, "tmp");
            Directory.CreateDirectory(tmp);
            environment["TMPDIR"] = tmp;
            if (options.InMemory)
            {
                // A tmpfs on that folder, mounted in a mount namespace of its own: it vanishes with the build's processes.
                long size = AvailableMemoryBytes() * InMemoryShareNumerator / InMemoryShareDenominator;
                tool = HostTool.Unshare;
                arguments.InsertRange(0, ["--mount", "--propagation", "private", "--", "/bin/sh", "-c",
                    "mount -t tmpfs -o size=\"$1\",mode=0755 ccimage-rootfs \"$2\" && shift 2 && exec \"$@\"",
                    "ccimage-rootfs", size.ToString(System.Globalization.CultureInfo.InvariantCulture), tmp, mmdebstrap]);
                log.Info($"Building the chroot in memory (tmpfs of at most {size >> 20} MiB)");
            }
        }
        else if (options.InMemory)
            log.Detail("Building in memory needs root; building on disk");
        log.Info($"Building the root filesystem: {spec.Distribution} {spec.Suite} {spec.Architecture} from {sources.Mirror}, " +
                 $"{includes.Count} requested packages{(spec.Lock != null ? $", {spec.Lock.Packages.Count} locked versions" : "")}");
        var progress = new MmdebstrapProgress(log);
        var result = runner.Run(tool, arguments, environment: environment, timeout: BuildTimeout, allowFailure: true,
            cancellationToken: cancellationToken, outputLine: progress.Line);
        if (result.ExitCode != 0)
        {
            var lines = (result.StandardError + result.StandardOutput).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var errors = lines.Where(l => l.StartsWith("E:", StringComparison.Ordinal)).ToList();
            string reason = string.Join(" | ", (errors.Count > 0 ? errors : lines.ToList()).TakeLast(ReasonLines));
            throw Diag.Error(nameof(Strings.RootFsBuildFailed), result.ExitCode, reason);
        }
    }

    private static RootFsResult Inspect(RootFsSpec spec, List<LocalDeb> debs, string tarball, string destination, ILog log)
    {
        var contents = RootFsTarball.Read(tarball);
        if (contents.DistributionInitrds.Count > 0)
            throw Diag.Error(nameof(Strings.RootFsDistributionInitrd), string.Join(", ", contents.DistributionInitrds));
        string zone = spec.CanonicalTimezone;
        if (!contents.Contains("usr/share/zoneinfo/" + zone))
            throw Diag.Error(nameof(Strings.RootFsTimezoneUnknown), zone);
        var packages = DpkgStatus.InstalledPackages(contents.DpkgStatusText ?? "");
        var packageLock = new PackageLock(spec.Distribution, spec.Suite, spec.Architecture, packages);
        if (spec.Lock != null)
            CompareWithLock(spec.Lock, packages);
        foreach (var deb in debs)
            if (!packages.Contains(deb.Package))
                throw Diag.Error(nameof(Strings.RootFsDebNotInstalled), deb.Path, deb.Package.Name, deb.Package.Version);
        log.Detail($"Hashing {tarball}");
        return new RootFsResult(destination, FileHash.Sha256Hex(tarball), contents.Kernels, packages, packageLock);
    }

    private static void CompareWithLock(PackageLock packageLock, List<LockedPackage> installed)
    {
        var expected = packageLock.Packages.ToHashSet();
        var differences = installed.Where(p => !expected.Contains(p)).Select(p =>
                packageLock.Find(p.Name) is { } locked ? $"{p.Name} {p.Version} installed, {locked.Version} locked" : $"{p.Name} {p.Version} installed, not in the lock")
            .Concat(packageLock.Packages.Where(p => !installed.Any(i => i.Name == p.Name)).Select(p => $"{p.Name} {p.Version} locked, not installed"))
            .ToList();
        if (differences.Count > 0)
            throw Diag.Error(nameof(Strings.RootFsLockMismatch), string.Join("; ", differences.Take(ReasonLines))
                + (differences.Count > ReasonLines ? $" and {differences.Count - ReasonLines} more" : ""));
    }

    // MemAvailable of /proc/meminfo (proc_meminfo(5)): what can be used without swapping.
    private static long AvailableMemoryBytes()
    {
        string? line = File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal));
        var kib = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1);
        return long.TryParse(kib, System.Globalization.CultureInfo.InvariantCulture, out long value) ? value * BytesPerKiB : 0;
    }

    private static string WriteScript(string path, string text)
    {
        File.WriteAllText(path, text);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                       | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return path;
    }

    private static string WorkFolderBeside(string destination)
    {
        string parent = Path.GetDirectoryName(destination)!;
        string work = Path.Combine(parent, "." + Path.GetFileName(destination) + ".work-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(work);
        return work;
    }
}
