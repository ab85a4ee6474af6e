// SOURCE_DATE_EPOCH (reproducible-builds.org): the one time every file system, archive and image records. Parsed in one
// place (the SDK passes the environment variable in as CcSourceDateEpoch): whole seconds since 1970-01-01 UTC that fit the 32-bit time fields of
// ext4 and newc cpio; unset or empty means 0.
using System.Globalization;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Config;

public static class SourceDateEpoch
{
    public const string VariableName = "SOURCE_DATE_EPOCH";

    /// <summary>Parses a value (empty or null: 0); CCIMG1006 when it is not whole seconds from 0 to 4294967295.</summary>
    public static uint Parse(string? text) =>
        string.IsNullOrWhiteSpace(text) ? 0
        : uint.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out uint value) ? value
        : throw Diag.Error(nameof(Strings.InvalidSourceDateEpoch), text);
}
