// GPT partition entry Attributes bits (UEFI 2.10 §5.3.3 Table 5.8 "Defined GPT Partition Entry - Attributes";
// bits 48-63 are type-specific: the Discoverable Partitions Specification "Partition Flags" defines 59, 60 and 63,
// Microsoft Basic Data defines 62 "hidden"). Names here are the ones the CcPartition item's Attributes metadata accepts.
namespace CcImage.Core.Gpt;

public static class GptAttributes
{
    /// <summary>Bit 0: the platform needs the partition to function (UEFI "Required Partition").</summary>
    public const ulong RequiredPartition = 1UL << 0;

    /// <summary>Bit 1: firmware must not produce an EFI_BLOCK_IO_PROTOCOL for it (UEFI "No Block IO Protocol").</summary>
    public const ulong NoBlockIoProtocol = 1UL << 1;

    /// <summary>Bit 2: legacy BIOS bootable (UEFI "Legacy BIOS Bootable").</summary>
    public const ulong LegacyBiosBootable = 1UL << 2;

    /// <summary>Bit 59: grow the file system to the partition when mounted (DPS "grow-file-system").</summary>
    public const ulong GrowFileSystem = 1UL << 59;

    /// <summary>Bit 60: mount read-only (DPS "read-only").</summary>
    public const ulong ReadOnly = 1UL << 60;

    /// <summary>Bit 62: hidden (Microsoft Basic Data).</summary>
    public const ulong Hidden = 1UL << 62;

    /// <summary>Bit 63: exclude from automatic discovery (DPS "no-auto").</summary>
    public const ulong NoAuto = 1UL << 63;

    /// <summary>The accepted names, each with its bit.</summary>
    public static IReadOnlyDictionary<string, ulong> ByName { get; } = new Dictionary<string, ulong>(StringComparer.OrdinalIgnoreCase)
    {
        ["required"] = RequiredPartition,
        ["no-block-io"] = NoBlockIoProtocol,
        ["legacy-bios-bootable"] = LegacyBiosBootable,
        ["grow-file-system"] = GrowFileSystem,
        ["read-only"] = ReadOnly,
        ["hidden"] = Hidden,
        ["no-auto"] = NoAuto,
    };

    /// <summary>
    /// Parses a list separated by ',', ';' or spaces of names (see <see cref="ByName"/>), bit numbers 0-63 or
    /// 0x-prefixed hexadecimal masks. Returns false on anything else.
    /// </summary>
    public static bool TryParse(string? text, out ulong attributes)
    {
        attributes = 0;
        if (string.IsNullOrWhiteSpace(text))
            return true;
        foreach (string token in text.Split([',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (ByName.TryGetValue(token, out ulong bit))
                attributes |= bit;
            else if (token.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
                     && ulong.TryParse(token.AsSpan(2), System.Globalization.NumberStyles.AllowHexSpecifier,
                         System.Globalization.CultureInfo.InvariantCulture, out ulong mask))
                attributes |= mask;
            else if (int.TryParse(token, System.Globalization.NumberStyles.None,
                         System.Globalization.CultureInfo.InvariantCulture, out int number) && number is >= 0 and <= 63)
                attributes |= 1UL << number;
            else
                return false;
        }
        return true;
    }
}
