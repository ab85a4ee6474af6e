// Checks a path setting that names a place inside the image (CcVenvPath, CcNvflareHome): absolute, without "." or
// ".." parts or odd characters, not the root and not below /dev, /proc, /run, /sys or /tmp (which the running system
// covers with its own file systems); returned normalised ("/opt//x/" → "/opt/x").
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Nvflare;

public static partial class ImagePath
{
    private static readonly string[] Reserved = ["/dev", "/proc", "/run", "/sys", "/tmp"];

    public static string Absolute(string text, string setting)
    {
        var parts = text.Trim().Split('/', StringSplitOptions.RemoveEmptyEntries);
        string path = "/" + string.Join('/', parts);
        if (!text.Trim().StartsWith('/') || parts.Length == 0 || parts.Any(p => p is "." or "..") || !Plain().IsMatch(path)
            || Reserved.Any(r => path == r || path.StartsWith(r + "/", StringComparison.Ordinal)))
            throw Diag.Error(nameof(Strings.ImagePathInvalid), setting, text);
        return path;
    }

    [GeneratedRegex("^(/[A-Za-z0-9._+@-]+)+$")]
    private static partial Regex Plain();
}
