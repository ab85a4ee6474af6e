// Reads integers the way the reference's command line does (Python int(text) and int(text, 0)): surrounding
// whitespace, a sign, '_' between digits, any Unicode decimal digits, and with automatic base the prefixes 0x, 0o and 0b.
using System.Globalization;
using System.Numerics;

namespace CcImage.Core.Snp;

public static class IntegerLiteral
{
    /// <summary>Parses <paramref name="text"/>; <paramref name="autoBase"/> accepts 0x/0o/0b prefixes (and "0x1" style values).</summary>
    public static bool TryParse(string? text, bool autoBase, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (text is null)
            return false;
        // As Python, any Unicode decimal digit stands for its ASCII digit.
        var s = ToAsciiDigits(text).AsSpan().Trim();
        bool negative = false;
        if (s.Length > 0 && (s[0] == '+' || s[0] == '-'))
        {
            negative = s[0] == '-';
            s = s[1..];
        }
        int radix = 10;
        bool prefixed = false;
        if (autoBase && s.Length >= 2 && s[0] == '0')
        {
            radix = char.ToLowerInvariant(s[1]) switch { 'x' => 16, 'o' => 8, 'b' => 2, _ => 10 };
            if (radix != 10)
            {
                s = s[2..];
                prefixed = true;
                if (s.Length > 0 && s[0] == '_')
                    s = s[1..];
            }
        }
        if (!TryDigits(s, radix, out value))
            return false;
        // With automatic base, a decimal literal may not start with 0 unless it is zero ("010" is refused).
        if (autoBase && !prefixed && s[0] == '0' && !value.IsZero)
            return false;
        if (negative)
            value = -value;
        return true;
    }

    private static string ToAsciiDigits(string text)
    {
        if (text.All(char.IsAscii))
            return text;
        var chars = text.ToCharArray();
        for (int i = 0; i < chars.Length; i++)
            if (!char.IsAscii(chars[i]) && char.IsDigit(chars[i]))
                chars[i] = (char)('0' + (int)char.GetNumericValue(chars[i]));
        return new string(chars);
    }

    /// <summary>The value reduced to 64 bits, two's complement, as a C uint64_t field receives it.</summary>
    public static ulong ToUInt64Wrapped(BigInteger value) => (ulong)(value & ulong.MaxValue);

    private static bool TryDigits(ReadOnlySpan<char> s, int radix, out BigInteger value)
    {
        value = BigInteger.Zero;
        if (s.Length == 0 || s[0] == '_' || s[^1] == '_')
            return false;
        for (int i = 0; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '_')
            {
                if (s[i - 1] == '_')
                    return false;
                continue;
            }
            int digit = c switch
            {
                >= '0' and <= '9' => c - '0',
                >= 'a' and <= 'z' => c - 'a' + 10,
                >= 'A' and <= 'Z' => c - 'A' + 10,
                _ => int.MaxValue,
            };
            if (digit >= radix)
                return false;
            value = value * radix + digit;
        }
        return true;
    }

    /// <summary>A value as the JSON and docs show guest features: lower-case hex with 0x.</summary>
    public static string ToHex(ulong value) => "0x" + value.ToString("x", CultureInfo.InvariantCulture);
}
