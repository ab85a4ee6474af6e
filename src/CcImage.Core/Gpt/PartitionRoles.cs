// The x86-64 partition type GUIDs CcImage knows by role. Source: the Discoverable Partitions Specification (DPS,
// uapi-group.org, "Defined Partition Type UUIDs") unless noted; the EFI System Partition is from UEFI 2.10 §5.3.3
// Table 5.7; BIOS boot is GRUB's; Linux LUKS is the freedesktop/gdisk type 8309 (the DPS defines none for LUKS).
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Gpt;

public static class PartitionRoles
{
    private const string Dps = "Discoverable Partitions Specification";

    /// <summary>Every role, in the order the documentation lists them.</summary>
    public static IReadOnlyList<PartitionRole> All { get; } =
    [
        new("root", "Root Partition (x86-64)", new("4f68bce3-e8cd-4db1-96e7-fbcaf984b709"), Dps),
        new("root-verity", "Root Verity Partition (x86-64)", new("2c7357ed-ebd2-46d9-aec1-23d437ec2bf5"), Dps),
        new("root-verity-sig", "Root Verity Signature Partition (x86-64)", new("41092b05-9fc8-4523-994f-2def0408b176"), Dps),
        new("usr", "/usr/ Partition (x86-64)", new("8484680c-9521-48c6-9c11-b0720656f69e"), Dps),
        new("usr-verity", "/usr/ Verity Partition (x86-64)", new("77ff5f63-e7b6-4633-acf4-1565b864c0e6"), Dps),
        new("usr-verity-sig", "/usr/ Verity Signature Partition (x86-64)", new("e7bb33fb-06cf-4e81-8273-e543b413e2e2"), Dps),
        new("esp", "EFI System Partition", new("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"), "UEFI 2.10 §5.3.3 Table 5.7; " + Dps),
        new("xbootldr", "Extended Boot Loader Partition", new("bc13c2ff-59e6-4262-a352-b275fd6f7172"), Dps),
        new("swap", "Swap", new("0657fd6d-a4ab-43c4-84e5-0933c84b4f4f"), Dps),
        new("home", "Home Partition", new("933ac7e1-2eb4-4f13-b844-0e14e2aef915"), Dps),
        new("srv", "Server Data Partition", new("3b8f8425-20e0-4f3b-907f-1a25a76f98e8"), Dps),
        new("var", "Variable Data Partition", new("4d21b016-b534-45c2-a9fb-5c16e091fd2d"), Dps),
        new("tmp", "Temporary Data Partition", new("7ec6f557-3bc5-4aca-b293-16ef5df639d1"), Dps),
        new("linux-generic", "Generic Linux Data Partitions", new("0fc63daf-8483-4772-8e79-3d69d8477de4"), Dps),
        new("linux-luks", "Linux LUKS", new("ca7d7ccb-63ed-4c53-861c-1742536059cc"), "freedesktop.org / GPT fdisk type 8309"),
        new("bios-boot", "BIOS boot partition", new("21686148-6449-6e6f-744e-656564454649"), "GRUB (GPT fdisk type EF02)"),
    ];

    /// <summary>Other spellings accepted in Role metadata.</summary>
    private static readonly Dictionary<string, string> Aliases = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["luks"] = "linux-luks",
        ["linux"] = "linux-generic",
        ["generic"] = "linux-generic",
        ["data"] = "linux-generic",
    };

    /// <summary>The role used when a partition names neither Role nor Type.</summary>
    public static PartitionRole Default => Find("linux-generic")!;

    /// <summary>The role called <paramref name="name"/> (case-insensitive, aliases accepted), or null.</summary>
    public static PartitionRole? Find(string name)
    {
        string key = name.Trim();
        if (Aliases.TryGetValue(key, out string? canonical))
            key = canonical;
        return All.FirstOrDefault(r => string.Equals(r.Name, key, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The role called <paramref name="name"/>, or CCIMG1104 listing the known roles.</summary>
    public static PartitionRole Get(string name, string partition) =>
        Find(name) ?? throw Diag.Error(nameof(Strings.PartitionRoleUnknown), name, partition, string.Join(", ", All.Select(r => r.Name)));

    /// <summary>The role whose type GUID is <paramref name="typeGuid"/>, or null.</summary>
    public static PartitionRole? ForType(Guid typeGuid) => All.FirstOrDefault(r => r.TypeGuid == typeGuid);
}
