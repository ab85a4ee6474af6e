// The checks of stage 2 (the stage-2 guide's "NVFlare tests" and "permission tests"), on the images of InstallNvflare
// and HardenImage, read from the image: in the root filesystem the virtual environment at CcVenvPath with the Python
// of CcPythonVersion and the nvflare distribution of CcNvflareVersion, the service account (CcUser, CcGroup) with no
// login shell, and NVFlare's folders on the dynamic partition owned by the account and closed to others; on the config
// partition the role's folders, readable by the account's group only (job_store_key on servers only).
using CcImage.Core.Nvflare;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Inspection;

public static class NvflareRootChecks
{
    /// <summary>Checks of the root file system (paths as the running system sees them).</summary>
    public static void Run(Ext4Inspector root, ImageProject project, List<string> failures, List<string> passed)
    {
        var s = project.Settings;
        string venv = ImagePath.Absolute(s["CcVenvPath"], "CcVenvPath");
        string home = ImagePath.Absolute(s["CcNvflareHome"], "CcNvflareHome");
        string version = s["CcNvflareVersion"];

        string config = root.ReadText(venv + "/pyvenv.cfg") ?? "";
        var pythonLine = config.Split('\n').Select(l => l.Split('=', 2)).FirstOrDefault(f => f.Length == 2 && f[0].Trim() is "version" or "version_info");
        var python = pythonLine != null ? PythonVersion.Parse(pythonLine[1]) : null;
        if (python == null)
            failures.Add($"no virtual environment at {venv} ({venv}/pyvenv.cfg names no Python version)");
        else if (PythonVersion.Requested(s.Optional("CcPythonVersion")) is { } wanted && wanted != python)
            failures.Add($"the virtual environment has Python {PythonVersion.Format(python)}, not CcPythonVersion {PythonVersion.Format(wanted)}");
        else
            passed.Add($"virtual environment {venv} with Python {PythonVersion.Format(python)}");

        if (python != null)
        {
            string sitePackages = $"{venv}/lib/python{PythonVersion.Format(python)}/site-packages";
            var distributions = root.List(sitePackages).Where(n => n.StartsWith("nvflare-", StringComparison.Ordinal) && n.EndsWith(".dist-info", StringComparison.Ordinal)).ToList();
            string? metadata = distributions.Count == 1 ? root.ReadText($"{sitePackages}/{distributions[0]}/METADATA") : null;
            string? installed = metadata?.Split('\n').FirstOrDefault(l => l.StartsWith("Version: ", StringComparison.Ordinal))?["Version: ".Length..].Trim();
            if (installed == null)
                failures.Add($"{sitePackages} holds {distributions.Count} nvflare distributions, expected one");
            else if (Normalized(installed) != Normalized(version))
                failures.Add($"nvflare {installed} is installed, not CcNvflareVersion {version}");
            else if (root.Stat($"{sitePackages}/nvflare/__init__.py") == null)
                failures.Add($"nvflare {installed} is installed but {sitePackages}/nvflare/__init__.py is missing");
            else
                passed.Add($"nvflare {installed} in the virtual environment");
        }

        var account = ServiceAccount.From(project);
        var passwd = Fields(root.ReadText("/etc/passwd"), account.User);
        var group = Fields(root.ReadText("/etc/group"), account.Group);
        if (passwd == null || group == null)
            failures.Add($"the service account {account.User}:{account.Group} is missing");
        else if (passwd.Length < 7 || passwd[3] != group[2] || passwd[6] != ServiceAccount.NoLoginShell)
            failures.Add($"{account.User} is not in group {account.Group} with shell {ServiceAccount.NoLoginShell} ({string.Join(':', passwd)})");
        else
            passed.Add($"service account {account.User}:{account.Group} without a login shell");

        int? uid = passwd != null && int.TryParse(passwd[2], out int u) ? u : null;
        int? gid = group != null && int.TryParse(group[2], out int g) ? g : null;
        var expected = NvflareHomeLayout.For(s.Choice("CcRole"), home, account)
            .Where(d => d.Path.StartsWith(home + "/" + NvflareHomeLayout.DynamicFolder + "/", StringComparison.Ordinal)).ToList();
        CheckFolders(root, expected, uid, gid, "", failures, passed, "NVFlare's folders on the dynamic partition");
    }

    /// <summary>Checks of the config partition (paths relative to its root, the folder mounted at CcNvflareHome/config).</summary>
    /// <param name="groupFile">The root file system's /etc/group.</param>
    public static void RunConfig(Ext4Inspector config, string groupFile, ImageProject project, List<string> failures, List<string> passed)
    {
        var s = project.Settings;
        string home = ImagePath.Absolute(s["CcNvflareHome"], "CcNvflareHome");
        string prefix = home + "/" + NvflareHomeLayout.ConfigFolder;
        var account = ServiceAccount.From(project);
        var group = Fields(groupFile, account.Group);
        int? gid = group != null && int.TryParse(group[2], out int g) ? g : null;
        var expected = NvflareHomeLayout.For(s.Choice("CcRole"), home, account)
            .Where(d => d.Path.StartsWith(prefix + "/", StringComparison.Ordinal)).ToList();
        CheckFolders(config, expected, 0, gid, prefix, failures, passed, "NVFlare's folders on the config partition");
        if (s.Choice("CcRole") == "client" && config.Stat("/job_store_key") != null)
            failures.Add("a client image has job_store_key on its config partition");
    }

    private static void CheckFolders(Ext4Inspector fs, IReadOnlyList<OverlayDirectory> expected, int? uid, int? gid, string mountPoint,
        List<string> failures, List<string> passed, string what)
    {
        int before = failures.Count;
        foreach (var d in expected)
        {
            string path = mountPoint.Length == 0 ? d.Path : d.Path[mountPoint.Length..];
            var facts = fs.Stat(path);
            int wantUid = d.Owner == "root" ? 0 : uid ?? -1, wantGid = d.Group == "root" ? 0 : gid ?? -1;
            if (facts == null)
                failures.Add($"{d.Path} is missing");
            else if (facts.Type != "directory" || (facts.Mode & 0xFFF) != (int)d.Mode || facts.Uid != wantUid || facts.Gid != wantGid)
                failures.Add($"{d.Path} is {facts.Type} {Convert.ToString(facts.Mode & 0xFFF, 8)} {facts.Uid}:{facts.Gid}, expected directory {Convert.ToString((int)d.Mode, 8)} {wantUid}:{wantGid}");
        }
        if (failures.Count == before)
            passed.Add($"{what}: {string.Join(", ", expected.Select(d => d.Path))} with their owners and modes");
    }

    /// <summary>A release number without trailing zero parts (PEP 440 compares 2.7 and 2.7.0 as equal).</summary>
    internal static string Normalized(string version)
    {
        var parts = version.Trim().Split('.').ToList();
        while (parts.Count > 1 && parts[^1] == "0")
            parts.RemoveAt(parts.Count - 1);
        return string.Join('.', parts);
    }

    /// <summary>The fields of the passwd or group line for <paramref name="name"/>, or null.</summary>
    internal static string[]? Fields(string? file, string name) =>
        (file ?? "").Split('\n').Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 3 && f[0] == name);
}
