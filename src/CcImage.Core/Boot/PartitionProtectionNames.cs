// The names a partition protection has in configuration and in the initramfs layout file (none, verity,
// luks-ephemeral, luks-keyfile), and back.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

public static class PartitionProtectionNames
{
    private static readonly Dictionary<PartitionProtection, string> NameOf = new()
    {
        [PartitionProtection.None] = "none",
        [PartitionProtection.Verity] = "verity",
        [PartitionProtection.LuksEphemeral] = "luks-ephemeral",
        [PartitionProtection.LuksKeyfile] = "luks-keyfile",
    };

    /// <summary>Every name, in declaration order.</summary>
    public static IReadOnlyList<string> All { get; } = [.. NameOf.Values];

    public static string Format(PartitionProtection protection) => NameOf[protection];

    /// <summary>The protection named <paramref name="name"/> (case-insensitive); CCIMG5115 naming the valid ones otherwise.</summary>
    public static PartitionProtection Parse(string name, string partition)
    {
        foreach (var (value, text) in NameOf)
            if (string.Equals(text, name.Trim(), StringComparison.OrdinalIgnoreCase))
                return value;
        throw Diag.Error(nameof(Strings.BootProtectionUnknown), name, partition, string.Join(", ", All));
    }
}
