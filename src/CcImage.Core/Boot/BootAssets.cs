// The files of the boot contract, kept as embedded resources (Boot/Assets): the initramfs init, and what the root
// filesystem needs for its part — a systemd unit that checks swap and /tmp and prints "ccimage: system ready" on the
// console, an fstab that mounts nothing and has no swap, and the mount points the layout declares.
using System.Security.Cryptography;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

public static class BootAssets
{
    /// <summary>0755.</summary>
    public const UnixFileMode ExecutableMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>0644.</summary>
    public const UnixFileMode FileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const string ReadyUnitName = "ccimage-ready.service";

    private const string ResourcePrefix = "CcImage.Core.Boot.Assets.";

    /// <summary>Mount points the init uses whatever the layout: /tmp gets a tmpfs.</summary>
    private static readonly string[] AlwaysMountedPoints = ["/tmp"];

    /// <summary>The files InstallInto writes: path in the root tree, embedded asset, mode.</summary>
    public static IReadOnlyList<(string Path, string Asset, UnixFileMode Mode)> RootFiles { get; } =
    [
        ("etc/fstab", "fstab", FileMode),
        ("etc/default/ccimage", "ccimage-default", FileMode),
        ("usr/lib/ccimage/system-ready", "system-ready.sh", ExecutableMode),
        ("usr/lib/systemd/system/" + ReadyUnitName, ReadyUnitName, FileMode),
    ];

    /// <summary>The link that enables the ready unit, as `systemctl enable` makes it.</summary>
    public static (string Path, string Target) ReadyUnitLink { get; } =
        ("etc/systemd/system/multi-user.target.wants/" + ReadyUnitName, "/usr/lib/systemd/system/" + ReadyUnitName);

    /// <summary>The initramfs init (a busybox sh script).</summary>
    public static byte[] InitScript => Read("init.sh");

    /// <summary>SHA-256 (hex) of the initramfs init: what an initramfs cache entry depends on from these assets.</summary>
    public static string InitScriptHash => Convert.ToHexString(SHA256.HashData(InitScript)).ToLowerInvariant();

    /// <summary>
    /// SHA-256 (hex) over what <see cref="InstallInto"/> writes (each file's path, mode and bytes, and the unit link):
    /// what a root filesystem cache entry depends on from these assets. The init is not part of it.
    /// </summary>
    public static string RootFilesHash
    {
        get
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var (path, asset, mode) in RootFiles)
            {
                hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{path}\0{(int)mode}\0"));
                hash.AppendData(Read(asset));
            }
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes($"{ReadyUnitLink.Path}\0{ReadyUnitLink.Target}"));
            return Convert.ToHexString(hash.GetHashAndReset()).ToLowerInvariant();
        }
    }

    /// <summary>The bytes of the embedded asset <paramref name="name"/> (e.g. <c>init.sh</c>).</summary>
    public static byte[] Read(string name)
    {
        using var stream = typeof(BootAssets).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"No embedded boot asset named '{name}'.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// Writes the root filesystem's part of the boot contract into <paramref name="rootTree"/> and, for
    /// <paramref name="layout"/>, creates every mount point (0755) the init mounts on. Paths are resolved inside the tree;
    /// a symbolic link at a file's place is replaced, never followed.
    /// </summary>
    public static void InstallInto(string rootTree, BootLayout? layout = null)
    {
        var tree = new RootTree(rootTree);
        foreach (var (path, asset, mode) in RootFiles)
        {
            string target = PlaceIn(tree, path);
            File.WriteAllBytes(target, Read(asset));
            SetMode(target, mode);
        }
        var (linkPath, linkTarget) = ReadyUnitLink;
        File.CreateSymbolicLink(PlaceIn(tree, linkPath), linkTarget);
        foreach (string mountPoint in AlwaysMountedPoints.Concat(layout?.Validate().Partitions.Select(p => p.MountPoint) ?? []))
        {
            if (mountPoint == "/")
                continue;
            string? existing = tree.Resolve(mountPoint);
            if (existing != null && Directory.Exists(tree.HostPath(existing)))
                continue;
            string directory = Path.Combine(ParentIn(tree, mountPoint.TrimStart('/')), Path.GetFileName(mountPoint));
            if (UnixFileStatus.TryGet(directory) != null)
                throw Diag.Error(nameof(Strings.BootAssetPlaceBlocked), mountPoint, tree.Folder, mountPoint);
            Directory.CreateDirectory(directory);
            SetMode(directory, ExecutableMode);
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, mode);
    }

    /// <summary>The build machine's path for the file <paramref name="path"/> in the tree, with anything at its place removed.</summary>
    private static string PlaceIn(RootTree tree, string path)
    {
        string file = Path.Combine(ParentIn(tree, path), Path.GetFileName(path));
        if (UnixFileStatus.TryGet(file) is { } status)
        {
            if (status.Type == UnixFileStatus.TypeDirectory)
                throw Diag.Error(nameof(Strings.BootAssetPlaceBlocked), "/" + path, tree.Folder, "/" + path);
            File.Delete(file);
        }
        return file;
    }

    /// <summary>The build machine's path of the folder holding <paramref name="path"/>, resolved inside the tree and created when missing.</summary>
    private static string ParentIn(RootTree tree, string path)
    {
        string current = "";
        foreach (string part in path.Split('/', StringSplitOptions.RemoveEmptyEntries).SkipLast(1))
        {
            string joined = current.Length == 0 ? part : current + "/" + part;
            string next = tree.Resolve("/" + joined) ?? joined;
            if (!Directory.Exists(tree.HostPath(next)))
            {
                if (UnixFileStatus.TryGet(tree.HostPath(next)) != null)
                    throw Diag.Error(nameof(Strings.BootAssetPlaceBlocked), "/" + path, tree.Folder, "/" + next);
                Directory.CreateDirectory(tree.HostPath(next));
            }
            current = next;
        }
        return tree.HostPath(current);
    }
}
