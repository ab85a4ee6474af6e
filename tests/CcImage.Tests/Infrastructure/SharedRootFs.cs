// One real root filesystem per test run, built the first time a test asks for it (thread-safe) and shared by every
// test that reads it: mmdebstrap of a realistic base set (the distribution kernel, systemd, cryptsetup, busybox,
// e2fsprogs, kmod, python3, ca-certificates, nftables) from the machine's Debian mirror, plus a local .deb fixture and
// a pinned CcFile, so one build covers packages, local debs and extra files. The chroot is built in memory (the
// locked rebuild in RootFsBuilderTests builds on disk and must give the same bytes). The tarball lives in a per-run
// temp folder that the assembly cleanup deletes. A build takes one to two minutes here; keep mmdebstrap runs few.
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;
using CcImage.Core.Tools;
using CcImage.Tests.RootFs;

namespace CcImage.Tests;

internal static class SharedRootFs
{
    /// <summary>The base package set of the product's stage 1 image.</summary>
    public static readonly string[] BasePackages =
    [
        "linux-image-amd64", "systemd", "systemd-sysv", "cryptsetup-bin", "busybox", "e2fsprogs", "kmod", "python3",
        "ca-certificates", "nftables",
    ];

    public const long Epoch = 1700000000;
    public const string ExtraFileDestination = "/usr/local/bin/ccimage-fixture-tool";
    public const string ExtraFileText = "#!/bin/sh\necho fixture tool\n";
    public const string ExtraFileOwner = "root:systemd-journal";
    public const UnixFileMode ExtraFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                              | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    private static readonly Lazy<string> FolderLazy = new(() => TestPaths.NewTempDir("shared-rootfs"));
    private static readonly Lazy<Build> BuildLazy = new(BuildOnce, LazyThreadSafetyMode.ExecutionAndPublication);

    internal sealed record Build(RootFsSpec Spec, RootFsResult Result, RecordingLog Log, TimeSpan Elapsed);

    /// <summary>The per-run folder holding the shared tarball and its inputs.</summary>
    public static string Folder => FolderLazy.Value;

    /// <summary>The spec of the shared build (without a lock).</summary>
    public static RootFsSpec Spec => BuildLazy.Value.Spec;

    public static RootFsResult Result => BuildLazy.Value.Result;

    public static string Tarball => BuildLazy.Value.Result.Tarball;

    /// <summary>The log of the shared build, with the time each message arrived.</summary>
    public static RecordingLog Log => BuildLazy.Value.Log;

    /// <summary>How long the shared build took (mirror check, mmdebstrap, inspection, hashing).</summary>
    public static TimeSpan Elapsed => BuildLazy.Value.Elapsed;

    public static ToolRunner Runner { get; } = new(NullLog.Instance) { DefaultTimeout = TimeSpan.FromMinutes(30) };

    /// <summary>Deletes the per-run folder (called once by the assembly cleanup).</summary>
    public static void DeleteFolder()
    {
        if (FolderLazy.IsValueCreated && Directory.Exists(FolderLazy.Value))
            RootTree.Delete(Runner, FolderLazy.Value);
    }

    private static Build BuildOnce()
    {
        string inputs = Path.Combine(Folder, "inputs");
        Directory.CreateDirectory(inputs);
        string deb = RootFsFixtures.BuildFixtureDeb(inputs);
        string tool = RootFsFixtures.WriteFixtureFile(inputs, "fixture-tool", ExtraFileText);
        var spec = new RootFsSpec
        {
            Packages = BasePackages,
            Debs = [deb],
            Files =
            [
                new RootFsFile(tool, ExtraFileDestination)
                {
                    Mode = ExtraFileMode,
                    Owner = ExtraFileOwner,
                    Sha256 = CcImage.Core.Hashing.FileHash.Sha256Hex(tool),
                },
            ],
            SourceDateEpoch = Epoch,
        };
        var log = new RecordingLog(echo: true);
        var runner = new ToolRunner(log) { DefaultTimeout = TimeSpan.FromMinutes(30) };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var result = RootFsBuilder.Build(spec, Path.Combine(Folder, "base.tar"), runner, log, CancellationToken.None,
            new RootFsBuildOptions { InMemory = true });
        return new Build(spec, result, log, clock.Elapsed);
    }
}
