// CcFile items that belong to a partition of their own: a file whose Destination lies under the mount point of a
// partition built from its own files (config, data) is written into that partition when it is built, not into the
// root filesystem, so changing it rebuilds that partition, its hash tree and the command line — never the root
// filesystem. Files elsewhere stay part of the root filesystem (RootFsSpec.Files).
using CcImage.Core.Caching;
using CcImage.Core.Layout;
using CcImage.Core.RootFs;
using CcImage.Core.Tools;

namespace CcImage.Core.Pipeline;

public static class PartitionFiles
{
    /// <summary>The partition whose own file system holds the CcFile <paramref name="item"/>, or null (the root filesystem).</summary>
    public static LayoutPartition? PartitionOf(ProjectItem item, IReadOnlyList<LayoutPartition> layout)
    {
        string destination = item.Get("Destination") ?? "";
        return layout.Where(TreeWorkspace.TakesSubtree)
            .Where(p => destination.StartsWith(p.MountPoint + "/", StringComparison.Ordinal))
            .OrderByDescending(p => p.MountPoint!.Length)
            .FirstOrDefault();
    }

    /// <summary>The CcFile items of <paramref name="partition"/>, each with the path it takes inside the partition.</summary>
    public static IReadOnlyList<(RootFsFile File, string PathInPartition)> Of(ImageProject project, IReadOnlyList<LayoutPartition> layout,
        LayoutPartition partition) =>
        project.ItemsOf("CcFile")
            .Where(f => PartitionOf(f, layout) == partition)
            .Select(f => RootFsStage.ExtraFile(f, project.ProjectDirectory))
            .Select(f => (f, f.Destination[(partition.MountPoint!.Length + 1)..]))
            .OrderBy(f => f.Item2, StringComparer.Ordinal)
            .ToList();

    /// <summary>What the files add to the partition's cache manifest: destination, mode, owner and content digest.</summary>
    public static string Describe(IReadOnlyList<(RootFsFile File, string PathInPartition)> files) =>
        string.Join(";", files.Select(f => $"{f.PathInPartition} {Convert.ToString((int)f.File.Mode, 8)} {f.File.Owner ?? "0:0"} " +
                                           Hashing.FileHash.Sha256Hex(f.File.Source)));

    /// <summary>Copies the files into <paramref name="folder"/> (the partition's tree) with their modes and owners; their
    /// SHA-256 pins are checked first. Owner names resolve against the image's own /etc/passwd and /etc/group in
    /// <paramref name="imageRoot"/>, never the build machine's.</summary>
    public static void CopyInto(IReadOnlyList<(RootFsFile File, string PathInPartition)> files, string folder, string imageRoot,
        ToolRunner runner, CancellationToken cancellationToken)
    {
        foreach (var (file, path) in files)
        {
            if (file.Sha256 != null && !Hashing.FileHash.Sha256Hex(file.Source).Equals(file.Sha256, StringComparison.OrdinalIgnoreCase))
                throw Diagnostics.Diag.Error(nameof(Diagnostics.Strings.RootFsFileSha256Mismatch), file.Source,
                    Hashing.FileHash.Sha256Hex(file.Source), file.Sha256.ToLowerInvariant());
            string target = Path.Combine(folder, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            AtomicFile.TryDelete(target);
            File.Copy(file.Source, target);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(target, file.Mode);
            runner.Run(HostTool.Chown, ["--no-dereference", NumericOwner(file.Owner ?? "0:0", imageRoot, file.Source), target],
                cancellationToken: cancellationToken);
        }
    }

    /// <summary>"user:group" with names looked up in the image's /etc/passwd and /etc/group, as "uid:gid".</summary>
    private static string NumericOwner(string owner, string imageRoot, string source)
    {
        string[] parts = owner.Split(':');
        string Lookup(string name, string database) =>
            name.All(char.IsAsciiDigit) ? name
            : File.ReadLines(Path.Combine(imageRoot, "etc", database)).Select(l => l.Split(':'))
                  .FirstOrDefault(f => f.Length > 2 && f[0] == name)?[2]
              ?? throw Diagnostics.Diag.Error(nameof(Diagnostics.Strings.RootFsInvalidSetting), "Owner of CcFile " + source, owner,
                  $"'{name}' is not in the image's /etc/{database}");
        return $"{Lookup(parts[0], "passwd")}:{Lookup(parts.Length > 1 ? parts[1] : parts[0], "group")}";
    }
}
