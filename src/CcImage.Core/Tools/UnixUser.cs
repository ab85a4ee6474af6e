// Who the build runs as: the effective user id (geteuid(2)) and, for mmdebstrap's unshare mode, whether the user has
// subordinate id ranges in /etc/subuid and /etc/subgid (subuid(5)).
using System.Runtime.InteropServices;

namespace CcImage.Core.Tools;

public static partial class UnixUser
{
    /// <summary>True when the process runs with effective user id 0.</summary>
    public static bool IsRoot => GetEuid() == 0;

    /// <summary>The effective user id.</summary>
    public static uint EffectiveUserId => GetEuid();

    /// <summary>Whether <paramref name="subIdFile"/> (/etc/subuid or /etc/subgid) has a range for the current user (by name or id).</summary>
    public static bool HasSubordinateRange(string subIdFile)
    {
        if (!File.Exists(subIdFile))
            return false;
        string name = Environment.UserName;
        string id = GetEuid().ToString(System.Globalization.CultureInfo.InvariantCulture);
        return File.ReadLines(subIdFile).Select(l => l.Split(':')).Any(f => f.Length == 3 && (f[0] == name || f[0] == id));
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();
}
