// The Python version rules of InstallNvflare: CcPythonVersion is major.minor within NVFlare's supported range (3.9 to
// 3.12), and the interpreter the image gets must be exactly that version — the distribution's python3 (found in the
// previous stage's tarball as usr/bin/python3.N, before anything is extracted) or the one in CcPythonArchive.
using System.Formats.Tar;
using System.Globalization;
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Nvflare;

public static partial class PythonVersion
{
    /// <summary>The oldest and newest Python NVFlare supports.</summary>
    public static readonly Version Minimum = new(3, 9), Maximum = new(3, 12);

    /// <summary>CcPythonVersion checked (CCIMG1250), or null when it is empty.</summary>
    public static Version? Requested(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var m = MajorMinor().Match(text.Trim());
        if (!m.Success || Parse(m.Value) is not { } v || v < Minimum || v > Maximum)
            throw Diag.Error(nameof(Strings.PythonVersionInvalid), text.Trim(), Format(Minimum), Format(Maximum));
        return v;
    }

    /// <summary>
    /// The Python version a root filesystem tarball ships as its python3: the newest <c>usr/bin/python3.N</c> regular
    /// file (Debian and Ubuntu ship one), or null when it has none.
    /// </summary>
    public static Version? InTarball(string tarball)
    {
        Version? best = null;
        using var stream = File.OpenRead(tarball);
        using var reader = new TarReader(stream);
        while (reader.GetNextEntry(copyData: false) is { } entry)
        {
            if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                continue;
            var m = DistributionInterpreter().Match(entry.Name);
            if (m.Success && Parse(m.Groups[1].Value) is { } v && (best == null || v > best))
                best = v;
        }
        return best;
    }

    /// <summary>Checks the version an interpreter reports (<paramref name="found"/>, from <paramref name="source"/>)
    /// against the request: CCIMG1251 on a mismatch; with no request, a version outside the supported range is a warning.</summary>
    public static Version Check(Version? requested, Version found, string source, ILog log)
    {
        if (requested != null && requested != found)
            throw Diag.Error(nameof(Strings.PythonVersionMismatch), Format(requested), source, Format(found));
        if (requested == null && (found < Minimum || found > Maximum))
        {
            var (code, text) = Diag.Format(nameof(Strings.PythonVersionUnsupported), source, Format(found), Format(Minimum), Format(Maximum));
            log.Warning(code, text);
        }
        return found;
    }

    public static Version? Parse(string text)
    {
        var parts = text.Trim().Split('.');
        return parts.Length >= 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int major)
               && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int minor)
            ? new Version(major, minor) : null;
    }

    public static string Format(Version v) => $"{v.Major}.{v.Minor}";

    [GeneratedRegex(@"^\d+\.\d+$")]
    private static partial Regex MajorMinor();

    [GeneratedRegex(@"^(?:\./)?usr/bin/python(3\.\d+)$")]
    private static partial Regex DistributionInterpreter();
}
