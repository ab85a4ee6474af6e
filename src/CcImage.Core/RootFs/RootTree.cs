// A root filesystem as a folder, for the stages that change it (layered stages, pip installs through ChrootSession)
// and for the partition images (Ext4Image.Build with preserveOwnership): extract a rootfs tarball keeping numeric
// owners, modes, symbolic and hard links, device nodes and extended attributes (security.capability, POSIX ACLs);
// pack a folder back into a reproducible POSIX pax tarball with the same options mmdebstrap uses (names sorted, mtimes
// clamped to SOURCE_DATE_EPOCH, numeric owners, no atime/ctime, fixed extended-header names); and delete a tree
// without ever following a mount into the host. GNU tar does the archive work (tar(1), --xattrs).
using System.Globalization;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.RootFs;

public static class RootTree
{
    /// <summary>The pax options that keep process ids and access/change times out of the archive.</summary>
    public const string PaxOptions = "exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime";

    private static readonly Dictionary<string, string?> TarEnvironment = new()
    {
        ["LC_ALL"] = "C",
        ["TZ"] = "UTC",
    };

    /// <summary>
    /// Extracts <paramref name="tarball"/> into <paramref name="destination"/> (which must not exist or be empty),
    /// through a temp folder beside it, so the destination only ever holds a complete tree. Needs root to keep owners
    /// and create device nodes.
    /// </summary>
    public static void Extract(ToolRunner runner, string tarball, string destination, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(tarball))
            throw Diag.Error(nameof(Strings.RootTreeSourceMissing), tarball);
        string target = Path.GetFullPath(destination).TrimEnd('/');
        if (Directory.Exists(target) && Directory.EnumerateFileSystemEntries(target).Any())
            throw Diag.Error(nameof(Strings.RootTreeDestinationNotEmpty), target);
        string temp = TempFolderBeside(target);
        Directory.CreateDirectory(temp);
        try
        {
            runner.Run(HostTool.Tar, [
                "--extract", "--file", Path.GetFullPath(tarball), "--directory", temp,
                "--numeric-owner", "--same-owner", "--preserve-permissions", "--xattrs", "--xattrs-include=*",
            ], environment: TarEnvironment, cancellationToken: cancellationToken);
            if (Directory.Exists(target))
                Directory.Delete(target);
            Directory.Move(temp, target);
        }
        finally
        {
            if (Directory.Exists(temp))
                Delete(runner, temp);
        }
    }

    /// <summary>
    /// Packs <paramref name="folder"/> into <paramref name="destinationTar"/> (through a temp file): entries sorted by
    /// name, mtimes clamped to <paramref name="sourceDateEpoch"/>, numeric owners, extended attributes kept, nothing
    /// from other file systems mounted below the folder.
    /// </summary>
    public static void Pack(ToolRunner runner, string folder, string destinationTar, long sourceDateEpoch,
        CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(folder))
            throw Diag.Error(nameof(Strings.RootTreeSourceMissing), folder);
        string epoch = sourceDateEpoch.ToString(CultureInfo.InvariantCulture);
        AtomicFile.Write(destinationTar, temp =>
            runner.Run(HostTool.Tar, [
                "--create", "--file", temp, "--directory", Path.GetFullPath(folder),
                "--sort=name", $"--mtime=@{epoch}", "--clamp-mtime", "--numeric-owner", "--one-file-system",
                "--format=pax", $"--pax-option={PaxOptions}", "--xattrs", ".",
            ], environment: TarEnvironment, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Deletes <paramref name="folder"/>: first lazily unmounts anything mounted below it (a killed chroot or mmdebstrap
    /// can leave /proc, /sys or /dev mounts behind, and deleting through them would delete the host's files); CCIMG4135
    /// when something stays mounted.
    /// </summary>
    public static void Delete(ToolRunner runner, string folder)
    {
        string root = Path.GetFullPath(folder);
        if (!Directory.Exists(root))
            return;
        foreach (string mount in MountTable.MountsUnder(root))
            runner.Run(HostTool.Umount, ["--lazy", mount], allowFailure: true);
        var left = MountTable.MountsUnder(root);
        if (left.Count > 0)
            throw Diag.Error(nameof(Strings.RootTreeUnsafeDelete), root, string.Join(", ", left));
        Directory.Delete(root, recursive: true);
    }

    private static string TempFolderBeside(string target)
    {
        string parent = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(parent);
        return Path.Combine(parent, "." + Path.GetFileName(target) + ".tmp-" + Guid.NewGuid().ToString("N")[..12]);
    }
}
