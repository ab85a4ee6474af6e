// The checks of a root filesystem read out of a built image: no swap entry in /etc/fstab, UTC, an English locale, every
// declared package installed, and the owners and modes a locked-down system relies on.
using CcImage.Core.Pipeline;

namespace CcImage.Core.Inspection;

public static class RootFilesystemChecks
{
    /// <summary>Paths whose owner and mode the image must have: (path, mode, uid, gid).</summary>
    private static readonly (string Path, int Mode, int Uid, int Gid)[] Permissions =
    [
        ("/", 0b111_101_101, 0, 0),
        ("/root", 0b111_000_000, 0, 0),
        ("/tmp", 0b1_111_111_111, 0, 0),
        ("/etc", 0b111_101_101, 0, 0),
    ];

    public static void Run(Ext4Inspector root, ImageProject project, List<string> failures, List<string> passed)
    {
        string fstab = root.ReadText("/etc/fstab") ?? "";
        if (fstab.Split('\n').Select(l => l.Split('#')[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Any(f => f.Length >= 3 && f[2] == "swap"))
            failures.Add("/etc/fstab has a swap entry");
        else
            passed.Add("no swap entry in /etc/fstab");

        var localtime = root.Stat("/etc/localtime");
        string timezone = (root.ReadText("/etc/timezone") ?? "").Trim();
        if (localtime?.LinkTarget is { } tz && (tz.EndsWith("/UTC", StringComparison.Ordinal) || tz.EndsWith("/Etc/UTC", StringComparison.Ordinal))
            && timezone is "Etc/UTC" or "UTC" or "")
            passed.Add("timezone UTC");
        else
            failures.Add($"timezone is not UTC (/etc/localtime -> {localtime?.LinkTarget ?? "missing"}, /etc/timezone '{timezone}')");

        string locale = root.ReadText("/etc/default/locale") ?? "";
        if (locale.Contains("LANG=C.UTF-8", StringComparison.Ordinal) || locale.Contains("LANG=en_", StringComparison.Ordinal))
            passed.Add("English locale");
        else
            failures.Add($"/etc/default/locale sets no English LANG ('{locale.Trim()}')");

        var installed = InstalledPackages(root.ReadText("/var/lib/dpkg/status") ?? "");
        var missing = project.ItemsOf("CcPackage").Select(p => p.Include.Split('=')[0]).Where(p => !installed.Contains(p)).ToList();
        if (missing.Count > 0)
            failures.Add($"packages not installed: {string.Join(", ", missing)}");
        else
            passed.Add($"{project.ItemsOf("CcPackage").Count} declared packages installed");

        foreach (var (path, mode, uid, gid) in Permissions)
        {
            var facts = root.Stat(path);
            if (facts == null)
                failures.Add($"{path} is missing");
            else if ((facts.Mode & 0xFFF) != mode || facts.Uid != uid || facts.Gid != gid)
                failures.Add($"{path} is {Convert.ToString(facts.Mode & 0xFFF, 8)} {facts.Uid}:{facts.Gid}, expected {Convert.ToString(mode, 8)} {uid}:{gid}");
        }
        passed.Add("owners and modes of /, /root, /tmp, /etc");
    }

    private static HashSet<string> InstalledPackages(string status)
    {
        var installed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string paragraph in status.Split("\n\n"))
        {
            string? name = null;
            bool ok = false;
            foreach (string line in paragraph.Split('\n'))
            {
                if (line.StartsWith("Package: ", StringComparison.Ordinal))
                    name = line[9..].Trim();
                else if (line.StartsWith("Status: ", StringComparison.Ordinal))
                    ok = line.EndsWith("install ok installed", StringComparison.Ordinal);
            }
            if (name != null && ok)
                installed.Add(name);
        }
        return installed;
    }
}
