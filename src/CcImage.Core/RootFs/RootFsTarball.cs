// Reads what the builder checks in a finished root filesystem tarball without extracting it: the entry names, dpkg's
// status file, the kernels (boot/vmlinuz-VERSION and lib/modules/VERSION) and any distribution initramfs
// (boot/initrd.img-*, initrd.img links). POSIX pax archives as mmdebstrap and RootTree.Pack write them (IEEE 1003.1
// pax format), read with System.Formats.Tar.
using System.Formats.Tar;
using System.Text;

namespace CcImage.Core.RootFs;

public sealed class RootFsTarball
{
    private const string KernelImagePrefix = "boot/vmlinuz-";
    private static readonly string[] ModulesFolders = ["usr/lib/modules/", "lib/modules/"];

    private readonly HashSet<string> _paths;

    private RootFsTarball(HashSet<string> paths, string? dpkgStatus, List<RootFsKernel> kernels, List<string> initrds)
    {
        _paths = paths;
        DpkgStatusText = dpkgStatus;
        Kernels = kernels;
        DistributionInitrds = initrds;
    }

    /// <summary>The text of var/lib/dpkg/status, or null when the tarball has none.</summary>
    public string? DpkgStatusText { get; }

    /// <summary>Kernels, sorted by version (ordinal).</summary>
    public IReadOnlyList<RootFsKernel> Kernels { get; }

    /// <summary>Paths of distribution initramfs images and their links (boot/initrd.img*, initrd.img*).</summary>
    public IReadOnlyList<string> DistributionInitrds { get; }

    /// <summary>Whether the tarball has an entry at <paramref name="path"/> (relative to the root, no leading ./ or /).</summary>
    public bool Contains(string path) => _paths.Contains(path.Trim('/'));

    /// <summary>Reads <paramref name="tarball"/> once, sequentially.</summary>
    public static RootFsTarball Read(string tarball)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        string? status = null;
        var images = new Dictionary<string, string>(StringComparer.Ordinal);
        var modules = new Dictionary<string, string>(StringComparer.Ordinal);
        var initrds = new List<string>();
        using var stream = new FileStream(tarball, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            string path = Normalize(entry.Name);
            if (path.Length == 0)
                continue;
            paths.Add(path);
            if (path == DpkgStatus.PathInRoot && entry.DataStream != null)
            {
                using var text = new StreamReader(entry.DataStream, Encoding.UTF8, detectEncodingFromByteOrderMarks: false, leaveOpen: true);
                status = text.ReadToEnd();
            }
            if (path.StartsWith(KernelImagePrefix, StringComparison.Ordinal) && entry.EntryType != TarEntryType.Directory)
                images[path[KernelImagePrefix.Length..]] = path;
            foreach (string folder in ModulesFolders)
                if (path.StartsWith(folder, StringComparison.Ordinal) && path.Length > folder.Length && !path[folder.Length..].Contains('/', StringComparison.Ordinal)
                    && entry.EntryType == TarEntryType.Directory)
                    modules.TryAdd(path[folder.Length..], path);
            if (path.StartsWith("boot/initrd.img", StringComparison.Ordinal) || path.StartsWith("initrd.img", StringComparison.Ordinal))
                initrds.Add(path);
        }
        var kernels = images.Keys.Union(modules.Keys).Order(StringComparer.Ordinal)
            .Select(v => new RootFsKernel(v, images.GetValueOrDefault(v), modules.GetValueOrDefault(v))).ToList();
        return new RootFsTarball(paths, status, kernels, initrds);
    }

    private static string Normalize(string name)
    {
        string path = name.StartsWith("./", StringComparison.Ordinal) ? name[2..] : name;
        return path.Trim('/');
    }
}
