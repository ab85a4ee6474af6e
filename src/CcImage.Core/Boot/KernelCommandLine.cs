// The kernel command line of a CcImage boot: the serial console, a read-only root for systemd, no automatic GPT
// mounting or swap, one ccimage.verity.<name>=<root hash> per verity partition (sorted by name), then the user's
// extra arguments. It is part of the SEV-SNP measurement, so the same inputs always give the same text.
// Spec: Linux Documentation/admin-guide/kernel-parameters.rst (console=, ro; parameters with a '.' are not passed to
// init); arch/x86/include/asm/setup.h COMMAND_LINE_SIZE (2048 bytes with the NUL); systemd-gpt-auto-generator(8)
// (systemd.gpt_auto=), systemd-fstab-generator(8) (systemd.swap=).
using System.Text;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

public static class KernelCommandLine
{
    /// <summary>x86 COMMAND_LINE_SIZE is 2048 bytes including the terminating NUL.</summary>
    public const int MaxBytes = 2047;

    /// <summary>The parameter prefix the init reads root hashes from.</summary>
    public const string VerityParameterPrefix = "ccimage.verity.";

    /// <summary>Parameters the init owns; the extra arguments may not set them.</summary>
    public const string ReservedPrefix = "ccimage.";

    /// <summary>What every CcImage boot passes before the root hashes.</summary>
    public static IReadOnlyList<string> BaseArguments { get; } = ["console=ttyS0", "ro", "systemd.gpt_auto=0", "systemd.swap=0"];

    /// <summary>Arguments that would bypass or confuse the init; the extra arguments may not set them.</summary>
    private static readonly string[] ForbiddenArguments = ["rdinit=", "init=", "root="];

    /// <summary>Shortest and longest root hash, in hex digits (sha1 … sha512).</summary>
    private const int MinHashDigits = 40;
    private const int MaxHashDigits = 128;

    /// <summary>
    /// The command line for <paramref name="layout"/>: <paramref name="verityRootHashes"/> must give exactly the layout's
    /// verity partitions a root hash (hex); <paramref name="extra"/> (may be null) is appended after one space.
    /// </summary>
    public static string Build(BootLayout layout, IReadOnlyDictionary<string, string> verityRootHashes, string? extra)
    {
        layout.Validate();
        var verityNames = layout.Partitions.Where(p => p.Protection == PartitionProtection.Verity).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (string name in verityRootHashes.Keys)
            if (!verityNames.Contains(name))
                throw Diag.Error(nameof(Strings.BootRootHashUnexpected), name, string.Join(", ", verityNames.Order(StringComparer.Ordinal)));
        var arguments = new List<string>(BaseArguments);
        foreach (string name in verityNames.Order(StringComparer.Ordinal))
        {
            if (!verityRootHashes.TryGetValue(name, out string? hash) || string.IsNullOrWhiteSpace(hash))
                throw Diag.Error(nameof(Strings.BootRootHashMissing), name);
            string hex = hash.Trim().ToLowerInvariant();
            if (hex.Length < MinHashDigits || hex.Length > MaxHashDigits || hex.Length % 2 != 0 || !hex.All(char.IsAsciiHexDigit))
                throw Diag.Error(nameof(Strings.BootRootHashInvalid), hash, name, MinHashDigits, MaxHashDigits);
            arguments.Add(VerityParameterPrefix + name + "=" + hex);
        }
        foreach (string argument in SplitExtra(extra))
            arguments.Add(argument);
        string line = string.Join(' ', arguments);
        int bytes = Encoding.UTF8.GetByteCount(line);
        if (bytes > MaxBytes)
            throw Diag.Error(nameof(Strings.BootCommandLineTooLong), bytes, MaxBytes);
        return line;
    }

    /// <summary>The extra arguments, split on whitespace; CCIMG5124/5125 for ones the init owns or cannot read.</summary>
    private static IEnumerable<string> SplitExtra(string? extra)
    {
        if (string.IsNullOrWhiteSpace(extra))
            yield break;
        foreach (string argument in extra.Split([' ', '\t', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (argument.Any(c => char.IsControl(c) || c == '"' || c > '~'))
                throw Diag.Error(nameof(Strings.BootCommandLineExtraInvalid), argument);
            if (argument.StartsWith(ReservedPrefix, StringComparison.Ordinal)
                || ForbiddenArguments.Any(f => argument.StartsWith(f, StringComparison.Ordinal)))
                throw Diag.Error(nameof(Strings.BootCommandLineExtraReserved), argument);
            yield return argument;
        }
    }
}
