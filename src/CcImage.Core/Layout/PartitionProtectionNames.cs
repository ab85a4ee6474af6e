// The spellings of PartitionProtection in CcPartition metadata and layout files.
using CcImage.Core.Boot;

namespace CcImage.Core.Layout;

public static class PartitionProtectionNames
{
    public static IReadOnlyDictionary<string, PartitionProtection> ByName { get; } =
        new Dictionary<string, PartitionProtection>(StringComparer.OrdinalIgnoreCase)
        {
            ["none"] = PartitionProtection.None,
            ["verity"] = PartitionProtection.Verity,
            ["luks-ephemeral"] = PartitionProtection.LuksEphemeral,
            ["luks-keyfile"] = PartitionProtection.LuksKeyfile,
        };

    public static string NameOf(PartitionProtection protection) =>
        ByName.First(p => p.Value == protection).Key;
}
