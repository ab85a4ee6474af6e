// Makes the bytes of each partition of a layout, each as a cache entry keyed by exactly what it depends on: an ext4
// file system (mke2fs -d) from the stage tree at its mount point and/or the project's Content folder, then for verity
// partitions the hash tree (our own dm-verity writer, salt and UUID derived from the seed) in a sibling partition or
// appended. Partitions formatted at boot, raw images and empty partitions need no building. Returns what the disk
// planner gets: specs whose Image points into the cache, with a verity pair's UUIDs taken from its root hash
// (the Discoverable Partitions Specification's convention).
using System.Globalization;
using System.Text.Json;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Layout;
using CcImage.Core.Tools;
using CcImage.Core.Verity;

namespace CcImage.Core.Pipeline;

public sealed class PartitionImageBuilder
{
    /// <summary>Bump when the bytes this class writes for the same inputs change.</summary>
    public const int FormatVersion = 2;

    private const string DataFile = "data.img";
    private const string HashFile = "hash.img";
    private const string InfoFile = "partition.json";
    private const int VerityBlockSize = 4096;
    private const int TightAttempts = 4;

    private readonly ImageProject _project;
    private readonly StageCache _cache;
    private readonly ToolRunner _runner;
    private readonly ILog _log;
    private readonly Lazy<string> _e2fsprogsVersion;

    public PartitionImageBuilder(ImageProject project, StageCache cache, ToolRunner runner, ILog log)
    {
        _project = project;
        _cache = cache;
        _runner = runner;
        _log = log;
        _e2fsprogsVersion = new(() => ToolVersions.Of(runner, HostTool.Mke2fs, ["-V"]));
    }

    /// <summary>Builds (or finds in the cache) every partition of <paramref name="layout"/>.</summary>
    /// <param name="tree">The stage tree partitions with a mount point take their files from (null: none).</param>
    /// <param name="workspace">Extracts that tree on the first cache miss.</param>
    public IReadOnlyList<BuiltPartition> Build(IReadOnlyList<LayoutPartition> layout, StageTree? tree,
        TreeWorkspace? workspace, CancellationToken cancellationToken)
    {
        var built = new List<BuiltPartition>();
        foreach (var p in layout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            built.Add(BuildOne(p, layout, tree, workspace, cancellationToken));
        }
        return built;
    }

    private BuiltPartition BuildOne(LayoutPartition p, IReadOnlyList<LayoutPartition> layout, StageTree? tree,
        TreeWorkspace? workspace, CancellationToken cancellationToken)
    {
        var spec = p.Spec;
        bool ext4 = string.Equals(spec.Filesystem, "ext4", StringComparison.OrdinalIgnoreCase)
                    || (spec.Filesystem == null && spec.Content != null);
        if (p.FormattedAtBoot || (!ext4 && p.Protection != Boot.PartitionProtection.Verity))
            return new BuiltPartition(p, [spec]); // raw image, empty space or formatted at boot: the planner takes it as is

        if (ext4 && System.Text.Encoding.UTF8.GetByteCount(p.Label) > DiskLayout.MaxExt4LabelBytes)
            throw Diag.At(p.File, p.Line, nameof(Strings.PartitionExt4LabelTooLong), p.Label, p.Name, DiskLayout.MaxExt4LabelBytes);
        string? content = spec.Content is { } c ? Path.GetFullPath(c, _project.ProjectDirectory) : null;
        if (content != null && !Directory.Exists(content))
            throw Diag.At(p.File, p.Line, nameof(Strings.PartitionContentMissing), content, "Content", p.Name);
        string? image = spec.Image is { } i ? Path.GetFullPath(i, _project.ProjectDirectory) : null;
        if (image != null && !File.Exists(image))
            throw Diag.At(p.File, p.Line, nameof(Strings.PartitionContentMissing), image, "Image", p.Name);
        bool fromTree = p.MountPoint != null && tree != null;
        if (p.MountPoint != null && tree == null)
            throw Diag.At(p.File, p.Line, nameof(Strings.LayoutMountWithoutRoot), p.Name, p.MountPoint);

        bool verity = p.Protection == Boot.PartitionProtection.Verity;
        string seed = _project.Seed;
        var files = fromTree ? PartitionFiles.Of(_project, layout, p) : [];
        var manifest = new CacheManifest("partition", FormatVersion)
            .Add("label", p.Label)
            .Add("size", spec.Size ?? "")
            .Add("ext4", ext4 ? "e2fsprogs " + _e2fsprogsVersion.Value : "")
            .Add("uuid", DerivedGuid.FileSystem(seed, p.Name).ToString("D"))
            .Add("hash-seed", DerivedGuid.HashSeed(seed, p.Name).ToString("D"))
            .Add("epoch", _project.SourceDateEpoch.ToString(CultureInfo.InvariantCulture))
            .Add("owners", fromTree || IsTrue(spec.PreserveOwnership) ? "preserve" : "root")
            .Add("verity", verity ? $"{p.Verity} sha256 {VerityBlockSize} salt-seed={VeritySeedFor(p)}" : "")
            .Add("tree", fromTree ? $"{workspace!.ContentKey} at {p.MountPoint} without {string.Join(",", SplitMountPoints(layout, p))}" : "")
            .Add("content", content != null ? "tree:" + TreeFingerprint.Compute(content) : "")
            .Add("files", PartitionFiles.Describe(files))
            .Add("image", image != null ? "sha256:" + Hashing.FileHash.Sha256Hex(image) : "");

        var entry = _cache.GetOrCreate(manifest, dir =>
        {
            _log.Info($"Building partition '{p.Name}'{(verity ? " with its dm-verity hash tree" : "")}...");
            string data = Path.Combine(dir, DataFile);
            if (ext4)
            {
                string? folder = fromTree ? workspace!.FolderFor(p) : content;
                if (fromTree && content != null)
                    CopyTree(content, folder!); // the project's files on top of the tree's
                if (files.Count > 0)
                    PartitionFiles.CopyInto(files, folder!, workspace!.Root, _runner, cancellationToken);
                // A read-only (verity) file system without a given Size is made tight: the init reads all of it at boot.
                // If the tight estimate is short, the next try adds a quarter; the tries are the same for the same tree.
                bool tight = verity && string.IsNullOrWhiteSpace(spec.Size);
                long bytes = tight ? Ext4Sizing.TightBytes(folder) : Ext4Sizing.ResolveBytes(spec.Size, folder, p.Name, journal: !verity);
                for (int attempt = 1; ; attempt++)
                {
                    try
                    {
                        Ext4Image.Build(_runner, folder, data, bytes, DerivedGuid.FileSystem(seed, p.Name), DerivedGuid.HashSeed(seed, p.Name),
                            p.Label, _project.SourceDateEpoch, preserveOwnership: fromTree || IsTrue(spec.PreserveOwnership),
                            journal: !verity, cancellationToken);
                        break;
                    }
                    catch (CcImageException e) when (tight && attempt < TightAttempts && e.Code == Diag.Format(nameof(Strings.Ext4PopulateNoSpace), "", "", "").Code)
                    {
                        bytes = Ext4Sizing.RoundToMiB(bytes + bytes / 4);
                    }
                }
            }
            else
                File.Copy(image!, data);
            var info = new PartitionInfo { DataBytes = new FileInfo(data).Length };
            if (verity)
                FormatVerity(p, dir, data, info, cancellationToken);
            File.WriteAllText(Path.Combine(dir, InfoFile), JsonSerializer.Serialize(info, PartitionInfo.TypeInfo));
        }, cancellationToken);

        var built = JsonSerializer.Deserialize(File.ReadAllText(entry.PathOf(InfoFile)), PartitionInfo.TypeInfo)!;
        var dataSpec = spec with
        {
            Image = entry.PathOf(DataFile),
            Content = null,
            Filesystem = "none",
            Uuid = built.RootHash is { } rh ? UuidFromHash(rh, first: true) : spec.Uuid,
        };
        if (!verity || p.Verity == VerityPlacement.Appended)
            return new BuiltPartition(p, [dataSpec]) { RootHash = built.RootHash, HashOffset = built.HashOffset, CacheKey = entry.Key };

        var hashSpec = new PartitionSpec(p.HashPartitionName)
        {
            Image = entry.PathOf(HashFile),
            Role = p.IsRoot ? "root-verity" : null,
            Label = p.Label + "-verity",
            Uuid = UuidFromHash(built.RootHash!, first: false),
        };
        return new BuiltPartition(p, [dataSpec, hashSpec]) { RootHash = built.RootHash, CacheKey = entry.Key };
    }

    private void FormatVerity(LayoutPartition p, string dir, string data, PartitionInfo info, CancellationToken cancellationToken)
    {
        string seed = VeritySeedFor(p);
        var parameters = new VerityParameters
        {
            DataBlockSize = VerityBlockSize,
            HashBlockSize = VerityBlockSize,
            Salt = VeritySeed.DeriveSalt(seed),
            Uuid = VeritySeed.DeriveUuid(seed),
        };
        VerityFormatResult result;
        if (p.Verity == VerityPlacement.Appended)
        {
            long offset = info.DataBytes; // a multiple of the 4 KiB block: ext4 sizes are whole blocks
            result = VerityFormatter.Format(data, data, parameters with { HashOffset = offset, DataBlocks = offset / VerityBlockSize },
                cancellationToken: cancellationToken);
            info.HashOffset = offset;
            long end = new FileInfo(data).Length;
            long padded = (end + VerityBlockSize - 1) / VerityBlockSize * VerityBlockSize;
            if (padded != end)
                using (var f = new FileStream(data, FileMode.Open, FileAccess.Write))
                    f.SetLength(padded);
        }
        else
            result = VerityFormatter.Format(data, Path.Combine(dir, HashFile), parameters, cancellationToken: cancellationToken);
        info.RootHash = result.RootHashHex;
        info.Salt = result.SaltHex;
        info.VerityUuid = result.Uuid;
    }

    /// <summary>The seed of a partition's verity salt and superblock UUID.</summary>
    private string VeritySeedFor(LayoutPartition p) => _project.Seed + "/verity/" + p.Name;

    /// <summary>The mount points split off below <paramref name="p"/>'s (for the root: all of them).</summary>
    private static IEnumerable<string> SplitMountPoints(IReadOnlyList<LayoutPartition> layout, LayoutPartition p) =>
        layout.Where(TreeWorkspace.TakesSubtree)
            .Select(o => o.MountPoint!)
            .Where(m => m != p.MountPoint && (p.IsRoot || m.StartsWith(p.MountPoint + "/", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);

    /// <summary>A verity data (first 128 bits of the root hash) or hash partition's (last 128 bits) UUID.</summary>
    internal static string UuidFromHash(string rootHashHex, bool first)
    {
        string hex = first ? rootHashHex[..32] : rootHashHex[^32..];
        return new Guid(Convert.FromHexString(hex), bigEndian: true).ToString("D");
    }

    private static bool IsTrue(string? text) => bool.TryParse(text, out bool b) && b;

    private static void CopyTree(string from, string to)
    {
        foreach (string dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        foreach (string file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    internal sealed class PartitionInfo
    {
        public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, TypeInfoResolver = PipelineJsonContext.Default };

        /// <summary>Source-generated metadata with <see cref="JsonOptions"/> (no reflection in the NativeAOT tool).</summary>
        public static System.Text.Json.Serialization.Metadata.JsonTypeInfo<PartitionInfo> TypeInfo =>
            (System.Text.Json.Serialization.Metadata.JsonTypeInfo<PartitionInfo>)JsonOptions.GetTypeInfo(typeof(PartitionInfo));
        public long DataBytes { get; set; }
        public long? HashOffset { get; set; }
        public string? RootHash { get; set; }
        public string? Salt { get; set; }
        public string? VerityUuid { get; set; }
    }
}
