// Parses human sizes such as 10G, 512M, 4096 or +5G (powers of 1024), as used by CcImageSize and `ccimage qcow2 resize`.
using System.Globalization;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Config;

public static class SizeParser
{
    /// <summary>Parses an absolute size in bytes. <paramref name="what"/> names the setting in the error.</summary>
    public static long Parse(string text, string what)
    {
        var (relative, value) = ParseRelative(text, what);
        return relative ? throw Diag.Error(nameof(Strings.InvalidSize), text, what) : value;
    }

    /// <summary>Parses a size that may start with '+' (grow by), returning whether it did.</summary>
    public static (bool Relative, long Bytes) ParseRelative(string text, string what)
    {
        string s = (text ?? "").Trim();
        bool relative = s.StartsWith('+');
        if (relative) s = s[1..];
        if (s.Length == 0) throw Diag.Error(nameof(Strings.InvalidSize), text, what);
        long multiplier = 1;
        char last = char.ToUpperInvariant(s[^1]);
        if (s.EndsWith("iB", StringComparison.OrdinalIgnoreCase) && s.Length > 2)
        {
            last = char.ToUpperInvariant(s[^3]);
            s = s[..^2];
        }
        else if (s.EndsWith('B') || s.EndsWith('b'))
        {
            s = s[..^1];
            last = s.Length > 0 ? char.ToUpperInvariant(s[^1]) : 'X';
        }
        int shift = last switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, 'P' => 50, _ => 0 };
        if (shift > 0) { s = s[..^1]; multiplier = 1L << shift; }
        if (!long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 0)
            throw Diag.Error(nameof(Strings.InvalidSize), text, what);
        try { return (relative, checked(n * multiplier)); }
        catch (OverflowException) { throw Diag.Error(nameof(Strings.InvalidSize), text, what); }
    }
}
