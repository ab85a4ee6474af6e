// The root filesystem of stage 1 as a cache entry: the RootFsSpec the project's settings and CcPackage/CcDeb/CcFile
// items describe, keyed by its cache manifest, built by RootFsBuilder (mmdebstrap) on a miss. The entry holds the
// tarball, the kernel image and the package lock the build resolved. The lock is written beside the project the first
// time (CcPackageLockFile) and replayed afterwards; since a build replaying a lock gives the bytes of the build that
// wrote it, the entry is also filed under the locked spec's key, so the build after the first one is a cache hit.
using System.Formats.Tar;
using System.Text.Json;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;

namespace CcImage.Core.Pipeline;

public static class RootFsStage
{
    private const string TarballFile = "rootfs.tar";
    private const string KernelFile = "vmlinuz";
    private const string LockFile = "packages.lock.json";
    private const string KernelInfoFile = "kernel.json";
    private const string TarballDigestFile = "rootfs.tar.sha256";

    /// <summary>The base root filesystem of the project, from the cache or built now.</summary>
    /// <param name="layout">The image's layout: CcFile items under a mount point whose partition takes its own files
    /// (PartitionFiles) go into that partition instead, so changing one does not rebuild the root filesystem.</param>
    public static StageTree Ensure(PipelineContext context, IReadOnlyList<Layout.LayoutPartition> layout)
    {
        var project = context.Project;
        var spec = Spec(project, layout);
        string lockPath = project.Settings.Path("CcPackageLockFile", project.ProjectDirectory)!;
        bool locked = project.Settings.Boolean("CcLockedMode");
        if (File.Exists(lockPath))
            spec = spec with { Lock = PackageLock.Read(lockPath) };
        else if (locked)
            throw Diag.Error(nameof(Strings.PackageLockMissing), lockPath);

        var tools = RootFsToolVersions.Query(context.Runner, context.CancellationToken);
        var manifest = Manifest(spec, tools);
        PackageLock? resolved = null;
        var entry = context.Cache.GetOrCreate(manifest, dir =>
        {
            context.Log.Info($"Building the root filesystem ({spec.Distribution} {spec.Suite}, {spec.Packages.Count} packages)...");
            var result = RootFsBuilder.Build(spec, Path.Combine(dir, TarballFile), context.Runner, context.Log,
                context.CancellationToken, new RootFsBuildOptions { InMemory = true });
            var kernel = result.Kernels.FirstOrDefault(k => k.ImagePath != null)
                ?? throw Diag.Error(nameof(Strings.RootFsNoKernel), string.Join(", ", spec.Packages.Take(12)));
            CopyFromTar(Path.Combine(dir, TarballFile), kernel.ImagePath!, Path.Combine(dir, KernelFile));
            File.WriteAllText(Path.Combine(dir, KernelInfoFile), JsonSerializer.Serialize(kernel.Version, PipelineJsonContext.Default.String));
            result.Lock.Write(Path.Combine(dir, LockFile));
            File.WriteAllText(Path.Combine(dir, TarballDigestFile), result.Sha256);
            resolved = result.Lock;
        }, context.CancellationToken);

        var entryLock = PackageLock.Read(entry.PathOf(LockFile));
        if (resolved != null && spec.Lock == null)
            context.Cache.Alias(Manifest(spec with { Lock = entryLock }, tools), entry);
        UpdateLockFile(lockPath, entryLock, locked, context.Log);
        // The tree is known by its content: a build replaying the lock and the build that wrote it share one tree key,
        // so everything made from the tree (partitions, initramfs) is found in the cache either way.
        string digest = File.Exists(entry.PathOf(TarballDigestFile))
            ? File.ReadAllText(entry.PathOf(TarballDigestFile)).Trim()
            : Hashing.FileHash.Sha256Hex(entry.PathOf(TarballFile));
        return new StageTree("rootfs-sha256:" + digest, entry.PathOf(TarballFile))
        {
            KernelVersion = JsonSerializer.Deserialize(File.ReadAllText(entry.PathOf(KernelInfoFile)), PipelineJsonContext.Default.String),
            KernelImage = entry.PathOf(KernelFile),
        };
    }

    /// <summary>Extracts a tree tarball into an empty folder, keeping owners, modes, links and extended attributes.</summary>
    public static Action<string, string, CancellationToken> Extract(PipelineContext context) =>
        (tar, folder, ct) => RootTree.Extract(context.Runner, tar, folder, ct);

    /// <summary>The RootFsSpec of the project's settings and items (without the lock).</summary>
    public static RootFsSpec Spec(ImageProject project, IReadOnlyList<Layout.LayoutPartition> layout)
    {
        var s = project.Settings;
        return new RootFsSpec
        {
            Distribution = s.Choice("CcDistribution"),
            Suite = s["CcSuite"],
            Mirror = s.Optional("CcMirror"),
            Keyring = s.Path("CcKeyring", project.ProjectDirectory),
            Components = Layout.PartitionLayout.SplitList(s["CcComponents"]).ToList(),
            Architecture = s["CcArchitecture"],
            Packages = project.ItemsOf("CcPackage").Select(p => p.Get("Version") is { } v ? $"{p.Include}={v}" : p.Include).ToList(),
            Debs = project.ItemsOf("CcDeb").Select(d => Path.GetFullPath(d.Include, project.ProjectDirectory)).ToList(),
            Files = project.ItemsOf("CcFile").Where(f => PartitionFiles.PartitionOf(f, layout) == null)
                .Select(f => ExtraFile(f, project.ProjectDirectory)).ToList(),
            SourceDateEpoch = project.SourceDateEpoch,
            Locale = s["CcLocale"],
            Timezone = s["CcTimezone"],
        };
    }

    internal static RootFsFile ExtraFile(ProjectItem item, string baseDirectory)
    {
        string? mode = item.Get("Mode");
        return new RootFsFile(Path.GetFullPath(item.Include, baseDirectory), item.Get("Destination") ?? "")
        {
            Mode = mode == null ? RootFsFile.DefaultMode : RootFsSpec.ParseMode(mode, "Mode of CcFile " + item.Include),
            Owner = item.Get("Owner"),
            Sha256 = item.Get("Sha256"),
        };
    }

    private static CacheManifest Manifest(RootFsSpec spec, RootFsToolVersions tools) =>
        new CacheManifest("rootfs", 1).Add("spec", spec.CacheManifest(tools));

    /// <summary>Writes the resolved lock beside the project when it is missing or differs; in locked mode that is an error.</summary>
    private static void UpdateLockFile(string path, PackageLock resolved, bool locked, ILog log)
    {
        string json = resolved.ToJson();
        if (File.Exists(path) && File.ReadAllText(path) == json)
            return;
        if (locked)
            throw Diag.Error(nameof(Strings.PackageLockOutdated), path);
        resolved.Write(path);
        log.Info($"Wrote the package lock {path} ({resolved.Packages.Count} packages): commit it to pin the image's packages.");
    }

    private static void CopyFromTar(string tarball, string pathInTree, string destination)
    {
        string wanted = pathInTree.TrimStart('.', '/');
        using var stream = File.OpenRead(tarball);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.TrimStart('.', '/') != wanted || entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                continue;
            entry.ExtractToFile(destination, overwrite: true);
            File.SetLastWriteTimeUtc(destination, DateTime.UnixEpoch);
            return;
        }
        throw Diag.Error(nameof(Strings.RootFsNoKernel), pathInTree);
    }

}
