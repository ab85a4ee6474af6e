// Parses and formats the 16-byte UUID of the verity superblock the way libuuid's uuid_parse/uuid_unparse do
// (36 characters, hyphens at 8, 13, 18, 23; bytes in text order).
using System.Globalization;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Verity;

public static class VerityUuid
{
    public const int Size = 16;
    private const int TextLength = 36;
    private static readonly int[] HyphenPositions = [8, 13, 18, 23];

    /// <summary>The 16 bytes of <paramref name="text"/>, or CCIMG2206 when it is not a UUID.</summary>
    public static byte[] Parse(string? text)
    {
        if (text is null || text.Length != TextLength)
            throw Diag.Error(nameof(Strings.VerityBadUuid), text ?? "");
        var bytes = new byte[Size];
        int b = 0;
        for (int i = 0; i < TextLength;)
        {
            if (Array.IndexOf(HyphenPositions, i) >= 0)
            {
                if (text[i] != '-') throw Diag.Error(nameof(Strings.VerityBadUuid), text);
                i++;
                continue;
            }
            if (!byte.TryParse(text.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out bytes[b++]))
                throw Diag.Error(nameof(Strings.VerityBadUuid), text);
            i += 2;
        }
        return bytes;
    }

    /// <summary>The lower-case text form of 16 UUID bytes.</summary>
    public static string Format(ReadOnlySpan<byte> bytes)
    {
        string hex = Convert.ToHexString(bytes[..Size]).ToLowerInvariant();
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}
