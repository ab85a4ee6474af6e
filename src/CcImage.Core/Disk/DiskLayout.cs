// Plans a GPT disk from partition specs: validates them (CCIMG11xx), resolves roles and GUIDs, sizes each partition,
// places them in order at 1 MiB-aligned starts and sizes the disk (the sum plus GPT overhead, or a given total).
using System.Text;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Gpt;

namespace CcImage.Core.Disk;

public static class DiskLayout
{
    /// <summary>Partition starts (and the default disk size) are multiples of 1 MiB.</summary>
    public const long AlignmentBytes = 1L << 20;

    /// <summary>The Size value that fills the rest of the disk.</summary>
    public const string FillRest = "*";

    /// <summary>The largest disk planned: what a qcow2 image can describe at all (2^56 bytes); the cluster size may
    /// lower it further (Qcow2Writer.ValidateVirtualSize).</summary>
    public const long MaxDiskBytes = Qcow2.Qcow2Format.MaxVirtualSize;

    /// <summary>An ext4 volume label holds at most 16 bytes (s_volume_name).</summary>
    public const int MaxExt4LabelBytes = 16;

    /// <summary>
    /// Plans the disk. <paramref name="seed"/> (e.g. the project name) seeds every derived GUID;
    /// <paramref name="totalSize"/> fixes the disk size (null: just big enough); relative Content/Image paths
    /// are resolved against <paramref name="baseDirectory"/>.
    /// </summary>
    public static DiskPlan Plan(IReadOnlyList<PartitionSpec> specs, string seed, long? totalSize = null,
        int sectorSize = 512, string? baseDirectory = null)
    {
        if (!GptTable.SupportedSectorSizes.Contains(sectorSize))
            throw Diag.Error(nameof(Strings.PartitionSectorSizeInvalid), sectorSize);
        if (string.IsNullOrWhiteSpace(seed))
            throw Diag.Error(nameof(Strings.PartitionSeedMissing));
        if (specs.Count == 0)
            throw Diag.Error(nameof(Strings.PartitionNone));
        if (specs.Count > GptTable.DefaultNumberOfPartitionEntries)
            throw Diag.Error(nameof(Strings.PartitionTooMany), specs.Count, GptTable.DefaultNumberOfPartitionEntries);
        if (totalSize is { } t && (t <= 0 || t % sectorSize != 0))
            throw Diag.Error(nameof(Strings.DiskSizeNotMultiple), t, sectorSize);
        if (totalSize > MaxDiskBytes)
            throw Diag.Error(nameof(Strings.SettingSizeTooLarge), "CcDiskSize", totalSize, MaxDiskBytes, Qcow2.Qcow2Format.DefaultClusterSize, "");

        var names = new HashSet<string>(StringComparer.Ordinal);
        var uuids = new Dictionary<Guid, string>();
        var resolved = new List<Resolved>();
        for (int i = 0; i < specs.Count; i++)
        {
            var r = Resolve(specs[i], i, specs.Count, seed, sectorSize, baseDirectory);
            if (!names.Add(r.Spec.Name))
                throw Diag.Error(nameof(Strings.PartitionNameDuplicate), r.Spec.Name);
            if (!uuids.TryAdd(r.UniqueGuid, r.Spec.Name))
                throw Diag.Error(nameof(Strings.PartitionUuidDuplicate), r.UniqueGuid, uuids[r.UniqueGuid], r.Spec.Name);
            resolved.Add(r);
        }

        long alignment = AlignmentBytes / sectorSize;
        long entryArraySectors = (long)GptTable.DefaultNumberOfPartitionEntries * GptPartitionEntry.DefinedEntrySize / sectorSize;
        long backupSectors = entryArraySectors + 1;
        long diskSectors;
        long next = alignment; // the first partition starts at 1 MiB
        var placed = new List<(Resolved R, long First, long Sectors)>();
        long maxSectors = MaxDiskBytes / sectorSize;
        foreach (var r in resolved.Where(r => !r.Fill))
        {
            placed.Add((r, next, r.Sectors));
            // Each partition is below 2^56 bytes and the sum so far too, so this cannot overflow.
            next = AlignUp(next + r.Sectors, alignment);
            if (next > maxSectors)
                throw Diag.Error(nameof(Strings.DiskPlanTooLarge), next * (decimal)sectorSize, MaxDiskBytes);
        }
        if (totalSize is { } total)
        {
            diskSectors = total / sectorSize;
            long lastUsable = diskSectors - backupSectors - 1;
            if (resolved.FirstOrDefault(r => r.Fill) is { } fill)
            {
                long sectors = lastUsable - next + 1;
                if (sectors < fill.Sectors || sectors <= 0)
                    throw Diag.Error(nameof(Strings.DiskSizeTooSmall), total, (next + Math.Max(fill.Sectors, 1) + backupSectors) * sectorSize);
                placed.Add((fill, next, sectors));
            }
            long end = placed.Count == 0 ? 0 : placed.Max(p => p.First + p.Sectors - 1);
            if (end > lastUsable)
                throw Diag.Error(nameof(Strings.DiskSizeTooSmall), total, AlignUp(end + 1 + backupSectors, alignment) * sectorSize);
        }
        else
        {
            if (resolved.FirstOrDefault(r => r.Fill) is { } fill)
                throw Diag.Error(nameof(Strings.PartitionFillNeedsDiskSize), fill.Spec.Name);
            // the 1 MiB after the last aligned partition end holds the backup GPT and keeps the size aligned
            diskSectors = next + alignment;
            if (diskSectors > maxSectors)
                throw Diag.Error(nameof(Strings.DiskPlanTooLarge), diskSectors * (decimal)sectorSize, MaxDiskBytes);
        }

        var partitions = placed.OrderBy(p => p.R.Index).Select(p => new PlannedPartition
        {
            Index = p.R.Index,
            Name = p.R.Spec.Name,
            GptName = p.R.GptName,
            TypeGuid = p.R.TypeGuid,
            UniqueGuid = p.R.UniqueGuid,
            Attributes = p.R.Attributes,
            FirstLBA = p.First,
            LastLBA = p.First + p.Sectors - 1,
            SectorSize = sectorSize,
            ContentKind = p.R.Kind,
            SourcePath = p.R.SourcePath,
            FileSystemUuid = DerivedGuid.FileSystem(seed, p.R.Spec.Name),
            HashSeed = DerivedGuid.HashSeed(seed, p.R.Spec.Name),
            FileSystemLabel = p.R.GptName,
            PreserveOwnership = ParseBool(p.R.Spec.PreserveOwnership, "PreserveOwnership", p.R.Spec.Name),
        }).ToList();
        return new DiskPlan(sectorSize, diskSectors, DerivedGuid.Disk(seed), partitions);
    }

    private static bool ParseBool(string? text, string metadata, string name) =>
        string.IsNullOrWhiteSpace(text) ? false
        : bool.TryParse(text.Trim(), out bool value) ? value
        : throw Diag.Error(nameof(Strings.PartitionBooleanInvalid), text, metadata, name);

    private sealed record Resolved(PartitionSpec Spec, int Index, string GptName, Guid TypeGuid, Guid UniqueGuid,
        ulong Attributes, PartitionContentKind Kind, string? SourcePath, bool Fill, long Sectors);

    private static Resolved Resolve(PartitionSpec spec, int index, int count, string seed, int sectorSize, string? baseDirectory)
    {
        string name = spec.Name?.Trim() ?? "";
        if (name.Length == 0 || name.Any(char.IsControl))
            throw Diag.Error(nameof(Strings.PartitionNameInvalid), spec.Name ?? "", index + 1);

        string gptName = string.IsNullOrEmpty(spec.Label) ? name : spec.Label;
        if (gptName.Length > GptPartitionEntry.MaxNameLength || gptName.Any(char.IsControl))
            throw Diag.Error(nameof(Strings.PartitionLabelTooLong), gptName, name, GptPartitionEntry.MaxNameLength);

        Guid typeGuid = ResolveType(spec, name);

        Guid uniqueGuid = DerivedGuid.Partition(seed, name);
        if (!string.IsNullOrWhiteSpace(spec.Uuid))
        {
            if (!Guid.TryParse(spec.Uuid, out uniqueGuid) || uniqueGuid == Guid.Empty)
                throw Diag.Error(nameof(Strings.PartitionGuidInvalid), spec.Uuid, "Uuid", name);
        }

        if (!GptAttributes.TryParse(spec.Attributes, out ulong attributes))
            throw Diag.Error(nameof(Strings.PartitionAttributesInvalid), spec.Attributes, name, string.Join(", ", GptAttributes.ByName.Keys));

        var (kind, source) = ResolveContent(spec, name, baseDirectory);
        if (kind == PartitionContentKind.Ext4 && Encoding.UTF8.GetByteCount(gptName) > MaxExt4LabelBytes)
            throw Diag.Error(nameof(Strings.PartitionExt4LabelTooLong), gptName, name, MaxExt4LabelBytes);

        long minimum = kind switch
        {
            PartitionContentKind.RawImage => new FileInfo(source!).Length,
            PartitionContentKind.Ext4 => Ext4Sizing.MinimumBytes(source),
            _ => sectorSize,
        };
        string size = spec.Size?.Trim() ?? "";
        bool fill = size == FillRest;
        long bytes;
        if (fill)
        {
            if (index != count - 1)
                throw Diag.Error(nameof(Strings.PartitionFillNotLast), name);
            bytes = minimum;
        }
        else if (size.Length == 0)
        {
            bytes = kind switch
            {
                PartitionContentKind.RawImage => minimum,
                PartitionContentKind.Ext4 => Ext4Sizing.DefaultBytes(source),
                _ => throw Diag.Error(nameof(Strings.PartitionSizeMissing), name),
            };
        }
        else
        {
            bytes = SizeParser.Parse(size, $"the Size of partition '{name}'");
            if (bytes > MaxDiskBytes)
                throw Diag.Error(nameof(Strings.PartitionSizeTooLarge), name, size, MaxDiskBytes);
            if (kind == PartitionContentKind.Ext4)
                minimum += Ext4Sizing.JournalBytes(bytes);
            if (bytes < minimum || bytes == 0)
                throw Diag.Error(nameof(Strings.PartitionSizeTooSmall), name, bytes, Math.Max(minimum, sectorSize),
                    kind == PartitionContentKind.RawImage ? "its image file" : kind == PartitionContentKind.Ext4 ? "its folder as ext4" : "one block");
        }
        if (bytes > MaxDiskBytes)
            throw Diag.Error(nameof(Strings.PartitionSizeTooLarge), name, bytes, MaxDiskBytes);
        long sectors = (bytes + sectorSize - 1) / sectorSize;
        return new Resolved(spec with { Name = name }, index, gptName, typeGuid, uniqueGuid, attributes, kind, source, fill, sectors);
    }

    private static Guid ResolveType(PartitionSpec spec, string name)
    {
        Guid? fromType = null;
        if (!string.IsNullOrWhiteSpace(spec.Type))
        {
            if (!Guid.TryParse(spec.Type, out Guid parsed) || parsed == Guid.Empty)
                throw Diag.Error(nameof(Strings.PartitionGuidInvalid), spec.Type, "Type", name);
            fromType = parsed;
        }
        Guid? fromRole = string.IsNullOrWhiteSpace(spec.Role) ? null : PartitionRoles.Get(spec.Role, name).TypeGuid;
        if (fromType is { } a && fromRole is { } b && a != b)
            throw Diag.Error(nameof(Strings.PartitionTypeRoleConflict), name, spec.Type, spec.Role, b);
        return fromType ?? fromRole ?? PartitionRoles.Default.TypeGuid;
    }

    private static (PartitionContentKind Kind, string? Source) ResolveContent(PartitionSpec spec, string name, string? baseDirectory)
    {
        bool hasFolder = !string.IsNullOrWhiteSpace(spec.Content);
        bool hasImage = !string.IsNullOrWhiteSpace(spec.Image);
        if (hasFolder && hasImage)
            throw Diag.Error(nameof(Strings.PartitionContentConflict), name);
        string filesystem = string.IsNullOrWhiteSpace(spec.Filesystem)
            ? (hasFolder ? "ext4" : "none")
            : spec.Filesystem.Trim().ToLowerInvariant();
        if (filesystem is not ("ext4" or "none"))
            throw Diag.Error(nameof(Strings.PartitionFilesystemInvalid), spec.Filesystem, name);
        if (hasFolder && filesystem == "none")
            throw Diag.Error(nameof(Strings.PartitionFilesystemInvalid), spec.Filesystem, name);

        if (hasImage)
        {
            string path = FullPath(spec.Image!, baseDirectory);
            if (!File.Exists(path))
                throw Diag.Error(nameof(Strings.PartitionContentMissing), path, "Image", name);
            return (PartitionContentKind.RawImage, path);
        }
        if (hasFolder)
        {
            string path = FullPath(spec.Content!, baseDirectory);
            if (!Directory.Exists(path))
                throw Diag.Error(nameof(Strings.PartitionContentMissing), path, "Content", name);
            return (PartitionContentKind.Ext4, path);
        }
        return filesystem == "ext4" ? (PartitionContentKind.Ext4, null) : (PartitionContentKind.None, null);
    }

    private static string FullPath(string path, string? baseDirectory) =>
        Path.GetFullPath(path.Trim(), baseDirectory ?? Environment.CurrentDirectory);

    private static long AlignUp(long value, long alignment) => (value + alignment - 1) / alignment * alignment;
}
