// Resolves an image's partition layout: the partitions of CcLayoutFile (YAML) and the CcPartition items, or the
// default layout of the product's guide when a project declares none; keeps those meant for the site's role (CcRole)
// and validates protections and mount points (CCIMG121x). Disk-level checks (sizes, GUIDs, labels) stay with
// Disk/DiskLayout, which plans the GPT from the built partitions.
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Layout;

public static class PartitionLayout
{
    /// <summary>CcNvflareHome's default: where the default layout puts NVFlare's partitions.</summary>
    public const string DefaultNvflareHome = "/opt/nvflare";

    private static readonly string[] RoleNames = ["server", "client", "all"];

    /// <summary>The validated partitions of <paramref name="project"/> for its role, in disk order.</summary>
    public static IReadOnlyList<LayoutPartition> Resolve(ImageProject project) => Resolve(project, Default(project));

    /// <summary>Whether the project declares its own partitions (CcPartition items or CcLayoutFile).</summary>
    public static bool IsDeclared(ImageProject project) =>
        project.ItemsOf("CcPartition").Count > 0 || project.Settings.Optional("CcLayoutFile") != null;

    /// <summary>As <see cref="Resolve(ImageProject)"/>, with <paramref name="defaults"/> when the project declares no partitions.</summary>
    public static IReadOnlyList<LayoutPartition> Resolve(ImageProject project, IReadOnlyList<PartitionSpec> defaults)
    {
        var declared = new List<LayoutPartition>();
        if (project.Settings.Path("CcLayoutFile", project.ProjectDirectory) is { } layoutFile)
            declared.AddRange(LayoutFile.Read(layoutFile).Select(d => Validate(d.Spec, d.File, d.Line)));
        declared.AddRange(project.ItemsOf("CcPartition").Select(item =>
            Validate(PartitionSpec.FromMetadata(item.Include, item.Get), item.File, item.Line)));
        if (declared.Count == 0)
            declared.AddRange(defaults.Select(spec => Validate(spec, project.ProjectPath, 0)));

        string role = project.Settings.Choice("CcRole");
        var partitions = declared.Where(p => ForRole(p, role)).ToList();
        if (partitions.Count == 0 && declared.Count > 0)
            throw Diag.Error(nameof(Strings.LayoutNoPartitionForRole), role);
        CheckMountPoints(partitions);
        return partitions;
    }

    /// <summary>The guide's layout: root and config verity-protected, dynamic encrypted at every boot, data for clients.</summary>
    public static IReadOnlyList<PartitionSpec> Default(ImageProject project)
    {
        string home = Nvflare.ImagePath.Absolute(project.Settings["CcNvflareHome"], "CcNvflareHome");
        return
        [
            new("root") { MountPoint = "/", Protection = "verity" },
            new("config") { MountPoint = home + "/config", Protection = "verity" },
            new("data") { MountPoint = home + "/data", Protection = "none", Roles = "client", Size = project.Settings["CcDataPartitionSize"] },
            // Last, so ResizeQcow2's growth goes to the partition formatted at boot.
            new("dynamic") { MountPoint = home + "/dynamic", Protection = "luks-ephemeral", Size = project.Settings["CcDynamicPartitionSize"] },
        ];
    }

    private static LayoutPartition Validate(PartitionSpec spec, string? file, int line)
    {
        string name = spec.Name.Trim();
        PartitionProtection protection = PartitionProtection.None;
        if (spec.Protection is { } text)
        {
            if (!PartitionProtectionNames.All.Contains(text.Trim(), StringComparer.OrdinalIgnoreCase))
                throw Diag.At(file, line, nameof(Strings.LayoutProtectionUnknown), text, name, string.Join(", ", PartitionProtectionNames.All));
            protection = PartitionProtectionNames.Parse(text, name);
        }

        if (spec.Content != null && spec.Image != null)
            throw Diag.At(file, line, nameof(Strings.PartitionContentConflict), name);

        string? mountPoint = null;
        if (spec.MountPoint is { } mp)
        {
            mountPoint = NormalizeMountPoint(mp.Trim())
                ?? throw Diag.At(file, line, nameof(Strings.LayoutMountPointInvalid), mp, name);
        }

        foreach (string r in SplitList(spec.Roles))
            if (!RoleNames.Contains(r, StringComparer.OrdinalIgnoreCase))
                throw Diag.At(file, line, nameof(Strings.LayoutRoleUnknown), spec.Roles, name);

        var verity = VerityPlacement.None;
        if (protection == PartitionProtection.Verity)
        {
            verity = spec.VerityHash?.Trim().ToLowerInvariant() switch
            {
                null or "partition" => VerityPlacement.Partition,
                "appended" => VerityPlacement.Appended,
                _ => throw Diag.At(file, line, nameof(Strings.LayoutVerityHashInvalid), spec.VerityHash, name),
            };
            if (string.Equals(spec.Filesystem, "none", StringComparison.OrdinalIgnoreCase) && spec.Image == null)
                throw Diag.At(file, line, nameof(Strings.LayoutVerityNeedsContent), name);
        }
        else if (spec.VerityHash != null)
            throw Diag.At(file, line, nameof(Strings.LayoutVerityHashInvalid), spec.VerityHash, name);

        bool formattedAtBoot = protection is PartitionProtection.LuksEphemeral or PartitionProtection.LuksKeyfile;
        if (formattedAtBoot)
        {
            if (spec.Content != null || spec.Image != null)
                throw Diag.At(file, line, nameof(Strings.LayoutLuksWithContent), name, PartitionProtectionNames.Format(protection));
            if (string.IsNullOrWhiteSpace(spec.Size))
                throw Diag.At(file, line, nameof(Strings.LayoutLuksNeedsSize), name, PartitionProtectionNames.Format(protection));
            if (mountPoint == "/")
                throw Diag.At(file, line, nameof(Strings.LayoutRootProtection), name, PartitionProtectionNames.Format(protection));
        }

        // Without Role or Type: the root gets the x86-64 root type and a partition formatted at boot the LUKS type.
        // A mounted partition built from the tree is ext4 unless it is a raw image.
        var resolved = spec with
        {
            Name = name,
            Role = spec.Role ?? (spec.Type != null ? null : formattedAtBoot ? "linux-luks" : mountPoint == "/" ? "root" : null),
            Filesystem = spec.Filesystem ?? (mountPoint != null && spec.Image == null && !formattedAtBoot ? "ext4" : null),
        };
        return new LayoutPartition(resolved, protection, mountPoint, verity) { File = file, Line = line };
    }

    private static bool ForRole(LayoutPartition p, string role)
    {
        var roles = SplitList(p.Spec.Roles).ToList();
        return role.Equals("all", StringComparison.OrdinalIgnoreCase) || roles.Count == 0
            || roles.Any(r => r.Equals("all", StringComparison.OrdinalIgnoreCase) || r.Equals(role, StringComparison.OrdinalIgnoreCase));
    }

    private static void CheckMountPoints(List<LayoutPartition> partitions)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in partitions.Where(p => p.MountPoint != null))
            if (!seen.TryAdd(p.MountPoint!, p.Name))
                throw Diag.At(p.File, p.Line, nameof(Strings.LayoutMountPointDuplicate), p.MountPoint, seen[p.MountPoint!], p.Name);
        if (seen.Count > 0 && !seen.ContainsKey("/"))
        {
            var first = partitions.First(p => p.MountPoint != null);
            throw Diag.At(first.File, first.Line, nameof(Strings.LayoutMountWithoutRoot), first.Name, first.MountPoint);
        }
        if (partitions.Count == 0)
            throw Diag.Error(nameof(Strings.PartitionNone));
    }

    /// <summary>"/opt//x/" → "/opt/x"; null for a relative path or one with "." or ".." parts.</summary>
    internal static string? NormalizeMountPoint(string path)
    {
        if (!path.StartsWith('/') || path.Any(char.IsControl) || path.Any(char.IsWhiteSpace))
            return null;
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is "." or ".."))
            return null;
        return "/" + string.Join('/', parts);
    }

    internal static IEnumerable<string> SplitList(string? text) =>
        (text ?? "").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
