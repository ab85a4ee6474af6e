// The partitions the initramfs opens and mounts, and the init it hands over to. Validate() checks what the init relies
// on (CCIMG51xx); BootLayoutFile turns a layout into the plain-text file the init reads and back.
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

public sealed partial record BootLayout(IReadOnlyList<BootPartition> Partitions)
{
    /// <summary>The program the init hands over to when it is not set.</summary>
    public const string DefaultInit = "/sbin/init";

    /// <summary>The longest partition name: it becomes a device-mapper name and a kernel parameter.</summary>
    public const int MaxNameLength = 32;

    /// <summary>A GPT partition name holds at most 36 UTF-16 code units (UEFI 2.10 table 5.6, PartitionName).</summary>
    public const int MaxLabelLength = 36;

    /// <summary>Mount points the init owns or the running system needs for itself.</summary>
    public static IReadOnlyList<string> ReservedMountPoints { get; } = ["/dev", "/proc", "/run", "/sys", "/tmp"];

    /// <summary>The program the init hands over to (absolute path in the root filesystem).</summary>
    public string Init { get; init; } = DefaultInit;

    /// <summary>How much of each verity partition the init reads at boot.</summary>
    public VerityCheck VerityCheck { get; init; } = VerityCheck.Full;

    /// <summary>The partition mounted at <c>/</c> (call <see cref="Validate"/> first).</summary>
    public BootPartition Root => Partitions.Single(p => p.MountPoint == "/");

    /// <summary>The partitions in the order the init mounts them: by depth of the mount point, then by path.</summary>
    public IReadOnlyList<BootPartition> MountOrder =>
        [.. Partitions.OrderBy(p => Depth(p.MountPoint)).ThenBy(p => p.MountPoint, StringComparer.Ordinal)];

    /// <summary>The protections in use, so the initramfs carries only the tools and modules they need.</summary>
    public bool Uses(PartitionProtection protection) => Partitions.Any(p => p.Protection == protection);

    /// <summary>Throws the CCIMG51xx error for the first thing the init could not do with this layout.</summary>
    public BootLayout Validate()
    {
        if (!Enum.IsDefined(VerityCheck))
            throw Diag.Error(nameof(Strings.BootVerityCheckUnknown), VerityCheck, string.Join(", ", BootLayoutFile.VerityCheckNames.Values));
        if (Init is null || Init == "/" || !PathPattern().IsMatch(Init) || Init.Split('/').Any(s => s is "." or ".."))
            throw Diag.Error(nameof(Strings.BootInitInvalid), Init);
        var names = new HashSet<string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var mountPoints = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in Partitions)
        {
            if (p.Name is null || !NamePattern().IsMatch(p.Name))
                throw Diag.Error(nameof(Strings.BootNameInvalid), p.Name, MaxNameLength);
            if (!names.Add(p.Name))
                throw Diag.Error(nameof(Strings.BootNameDuplicate), p.Name);
            CheckLabel(p.PartitionLabel, p.Name, labels);
            CheckMountPoint(p, mountPoints);
            CheckProtection(p, labels);
            CheckMountOptions(p);
        }
        int roots = Partitions.Count(p => p.MountPoint == "/");
        if (roots == 0)
            throw Diag.Error(nameof(Strings.BootRootMissing));
        if (roots > 1)
            throw Diag.Error(nameof(Strings.BootRootDuplicate), string.Join(", ", Partitions.Where(p => p.MountPoint == "/").Select(p => p.Name)));
        return this;
    }

    private static void CheckLabel(string? label, string name, Dictionary<string, string> labels)
    {
        if (label is null || label.Length > MaxLabelLength || !LabelPattern().IsMatch(label))
            throw Diag.Error(nameof(Strings.BootLabelInvalid), label, name, MaxLabelLength);
        if (!labels.TryAdd(label, name))
            throw Diag.Error(nameof(Strings.BootLabelDuplicate), label, labels[label], name);
    }

    private static void CheckMountPoint(BootPartition p, Dictionary<string, string> mountPoints)
    {
        string mp = p.MountPoint ?? "";
        if (!PathPattern().IsMatch(mp) || mp.Split('/').Any(s => s is "." or ".."))
            throw Diag.Error(nameof(Strings.BootMountPointInvalid), mp, p.Name);
        if (ReservedMountPoints.FirstOrDefault(r => mp == r || mp.StartsWith(r + "/", StringComparison.Ordinal)) is { } reserved)
            throw Diag.Error(nameof(Strings.BootMountPointReserved), mp, p.Name, reserved);
        if (mp != "/" && !mountPoints.TryAdd(mp, p.Name))
            throw Diag.Error(nameof(Strings.BootMountPointDuplicate), mp, mountPoints[mp], p.Name);
    }

    private static void CheckProtection(BootPartition p, Dictionary<string, string> labels)
    {
        if (!Enum.IsDefined(p.Protection))
            throw Diag.Error(nameof(Strings.BootProtectionUnknown), p.Protection, p.Name, string.Join(", ", PartitionProtectionNames.All));
        bool hasLabel = p.HashPartitionLabel != null, hasOffset = p.HashOffset != null;
        if (p.Protection != PartitionProtection.Verity)
        {
            if (hasLabel || hasOffset)
                throw Diag.Error(nameof(Strings.BootHashWithoutVerity), p.Name, PartitionProtectionNames.Format(p.Protection));
            if (p.MountPoint == "/" && p.Protection is PartitionProtection.LuksEphemeral or PartitionProtection.LuksKeyfile)
                throw Diag.Error(nameof(Strings.BootLuksRoot), p.Name, PartitionProtectionNames.Format(p.Protection));
            return;
        }
        if (hasLabel == hasOffset)
            throw Diag.Error(hasLabel ? nameof(Strings.BootVerityHashBoth) : nameof(Strings.BootVerityHashMissing), p.Name);
        if (hasLabel)
            CheckLabel(p.HashPartitionLabel, p.Name, labels);
        else if (p.HashOffset <= 0 || p.HashOffset % Verity.VerityParameters.OffsetAlignment != 0)
            throw Diag.Error(nameof(Strings.BootHashOffsetInvalid), p.HashOffset, p.Name, Verity.VerityParameters.OffsetAlignment);
    }

    private static void CheckMountOptions(BootPartition p)
    {
        if (p.MountOptions is null)
            return;
        foreach (string option in p.MountOptions.Split(','))
            if (!OptionPattern().IsMatch(option) || option is "ro" or "rw" or "remount" or "bind" or "rbind" or "move")
                throw Diag.Error(nameof(Strings.BootMountOptionsInvalid), p.MountOptions, p.Name, option);
    }

    private static int Depth(string mountPoint) => mountPoint == "/" ? 0 : mountPoint.Count(c => c == '/');

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex LabelPattern();

    [GeneratedRegex("^/([A-Za-z0-9._+@-]+(/[A-Za-z0-9._+@-]+)*)?$")]
    private static partial Regex PathPattern();

    [GeneratedRegex("^[a-z0-9_]+(=[A-Za-z0-9_.:-]+)?$")]
    private static partial Regex OptionPattern();
}
