// The mount points of the current process, read from /proc/self/mountinfo (Linux man-pages proc_pid_mountinfo(5):
// field 5 is the mount point, with space, tab, newline and backslash written as octal escapes such as \040).
// ChrootSession and RootTree use it to find what is mounted below a folder before unmounting or deleting it.
using System.Globalization;
using System.Text;

namespace CcImage.Core.RootFs;

public static class MountTable
{
    private const string MountInfo = "/proc/self/mountinfo";
    private const int MountPointField = 4;
    private const int OctalEscapeLength = 4;

    /// <summary>Mount points at or below <paramref name="folder"/>, deepest (longest) first.</summary>
    public static List<string> MountsUnder(string folder)
    {
        string root = Path.GetFullPath(folder).TrimEnd('/');
        return All().Where(m => m == root || m.StartsWith(root + "/", StringComparison.Ordinal))
            .OrderByDescending(m => m.Length).ThenBy(m => m, StringComparer.Ordinal).ToList();
    }

    /// <summary>Every mount point, in the order the kernel lists them.</summary>
    public static List<string> All() =>
        File.ReadAllLines(MountInfo).Select(l => l.Split(' ')).Where(f => f.Length > MountPointField)
            .Select(f => Unescape(f[MountPointField])).ToList();

    private static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
            return field;
        var bytes = new List<byte>();
        for (int i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + OctalEscapeLength <= field.Length)
            {
                bytes.Add((byte)Convert.ToInt32(field.Substring(i + 1, OctalEscapeLength - 1), 8));
                i += OctalEscapeLength - 1;
            }
            else
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString(CultureInfo.InvariantCulture)));
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
