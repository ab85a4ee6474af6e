// The site's service account (CcUser, CcGroup): checked names, and made inside the tree with the image's own shadow
// tools — a system group and a system user in it, home CcNvflareHome (not created), no password, shell nologin. The
// ids come from the image's system range in order, so the same tree always gives the same numbers; SOURCE_DATE_EPOCH
// keeps the password-change date in /etc/shadow reproducible.
using System.Globalization;
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Nvflare;

public sealed partial record ServiceAccount(string User, string Group)
{
    public const string NoLoginShell = "/usr/sbin/nologin";

    /// <summary>CcUser and CcGroup of the project, checked (CCIMG1257).</summary>
    public static ServiceAccount From(ImageProject project) =>
        new(Check(project.Settings["CcUser"], "CcUser"), Check(project.Settings["CcGroup"], "CcGroup"));

    /// <summary>Creates the group and the user inside the tree, unless they exist already.</summary>
    public void Create(StageLayerSession session, string home)
    {
        var environment = new Dictionary<string, string>
        {
            ["SOURCE_DATE_EPOCH"] = session.Context.Project.SourceDateEpoch.ToString(CultureInfo.InvariantCulture),
        };
        string script = string.Join('\n',
            "set -e",
            $"getent group {Group} >/dev/null || groupadd --system {Group}",
            $"if ! getent passwd {User} >/dev/null; then",
            $"  useradd --system --gid {Group} --home-dir {home} --no-create-home --shell {NoLoginShell} --comment 'NVFlare site' {User}",
            "fi",
            $"usermod --shell {NoLoginShell} {User}",
            $"id {User}");
        var result = session.Run(["/bin/sh", "-c", script], environment, allowFailure: true);
        if (result.ExitCode != 0)
            throw Diag.Error(nameof(Strings.AccountCreateFailed), User, Group, LastLine(result.StandardError + result.StandardOutput));
    }

    private static string Check(string name, string setting)
    {
        if (!AccountName().IsMatch(name) || name == "root")
            throw Diag.Error(nameof(Strings.AccountNameInvalid), setting, name);
        return name;
    }

    internal static string LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "(no output)";

    [GeneratedRegex("^[a-z_][a-z0-9_-]{0,31}$")]
    private static partial Regex AccountName();
}
