// Reads a salt as veritysetup's --salt takes it: an even number of hex digits, or "-" for no salt.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Verity;

public static class VeritySalt
{
    public const string None = "-";

    /// <summary>The salt bytes of <paramref name="text"/>; "-" is the empty salt; anything else not hex is CCIMG2204.</summary>
    public static byte[] Parse(string text)
    {
        if (text == None)
            return [];
        if (text.Length == 0 || text.Length % 2 != 0)
            throw Diag.Error(nameof(Strings.VerityBadSalt), text);
        try
        {
            byte[] salt = Convert.FromHexString(text);
            return salt.Length > VerityParameters.MaxSaltSize ? throw Diag.Error(nameof(Strings.VeritySaltTooLong), salt.Length) : salt;
        }
        catch (FormatException)
        {
            throw Diag.Error(nameof(Strings.VerityBadSalt), text);
        }
    }

    /// <summary>The salt as veritysetup prints it: lower-case hex, or "-" when empty.</summary>
    public static string Format(byte[] salt) => salt.Length == 0 ? None : Convert.ToHexString(salt).ToLowerInvariant();
}
