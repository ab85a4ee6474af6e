// The hardening script of stage 3, /opt/flare/scripts/system_hardening.sh in the image: a header with this image's
// values (role, service account, folders, site service, data mounts, allowed ports and the nftables ruleset made from
// them) followed by the steps (Hardening/Assets/system_hardening.sh), which carry the site's helper programs
// (site-prepare, site-start, site-ready) as here-documents. One self-contained text: HardenImage runs it inside the
// tree and leaves it in the image, so what was done can be read there; its SHA-256 is part of the stage's cache key,
// so any change of a value or a step rebuilds the tree. It holds no secret.
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;
using CcImage.Core.Layout;
using CcImage.Core.Nvflare;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Hardening;

public static partial class HardeningScript
{
    /// <summary>Where the script stays in the image.</summary>
    public const string PathInImage = "/opt/flare/scripts/system_hardening.sh";

    /// <summary>The here-document delimiter the steps use; no embedded program may contain it as a line.</summary>
    public const string HereDocumentEnd = "CCIMAGE_EOF";

    private const string ResourcePrefix = "CcImage.Core.Hardening.Assets.";

    /// <summary>The script for <paramref name="project"/> and its hardened <paramref name="layout"/>.</summary>
    public static string For(ImageProject project, IReadOnlyList<LayoutPartition> layout)
    {
        var s = project.Settings;
        string home = ImagePath.Absolute(s["CcNvflareHome"], "CcNvflareHome");
        string venv = ImagePath.Absolute(s["CcVenvPath"], "CcVenvPath");
        var account = ServiceAccount.From(project);
        string service = ServiceName(s["CcSiteServiceName"]);
        var ports = AllowedPort.From(project);
        var mounts = layout.Where(p => p.MountPoint is { } m && m != "/").ToList();
        var writes = mounts.Where(p => p.MountPoint == HardenedLayout.OutputMountPoint).Select(p => p.MountPoint!).ToList();
        var reads = mounts.Where(p => p.MountPoint is HardenedLayout.InputMountPoint || p.MountPoint == home + "/" + NvflareHomeLayout.DataFolder)
            .Select(p => p.MountPoint!).ToList();

        var header = new StringBuilder();
        header.Append("#!/bin/sh\n");
        header.Append($"# {PathInImage}: written and run by CcImage's HardenImage stage (docs/harden-image.md) inside this image's\n");
        header.Append("# root tree when the image was built, and kept here for audit. It holds no secret.\n");
        header.Append("# ---- This image's values ----\n");
        Variable(header, "CC_ROLE", s.Choice("CcRole"));
        Variable(header, "CC_USER", account.User);
        Variable(header, "CC_GROUP", account.Group);
        Variable(header, "CC_NVFLARE_HOME", home);
        Variable(header, "CC_VENV", venv);
        Variable(header, "CC_WORKSPACE", home + "/" + NvflareHomeLayout.WorkspaceFolder);
        Variable(header, "CC_SITE_SERVICE", service);
        Variable(header, "CC_SITE_COMMAND", s.Optional("CcSiteCommand") ?? "");
        Variable(header, "CC_READ_DIRS", string.Join(' ', reads));
        Variable(header, "CC_WRITE_DIRS", string.Join(' ', writes));
        Variable(header, "CC_REPORT_MOUNTS", string.Join(' ', mounts.Select(p => p.MountPoint)));
        Variable(header, "CC_ALLOWED_IN", string.Join(' ', ports.Where(p => p.Direction == PortDirection.In)));
        Variable(header, "CC_ALLOWED_OUT", string.Join(' ', ports.Where(p => p.Direction == PortDirection.Out)));
        header.Append("# The firewall, from the CcAllowedPort items (written to /etc/nftables.conf):\n");
        header.Append("NFTABLES_RULESET=$(cat <<'").Append(HereDocumentEnd).Append("'\n")
            .Append(CheckEmbeddable(NftablesRuleset.Build(ports), "nftables.conf")).Append(HereDocumentEnd).Append("\n)\n\n");
        return header + Steps();
    }

    /// <summary>SHA-256 (hex) of the script's text.</summary>
    public static string Hash(string script) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(script))).ToLowerInvariant();

    /// <summary>CcSiteServiceName as a unit name without ".service" (CCIMG1262 when systemd would not accept it).</summary>
    public static string ServiceName(string text)
    {
        string name = text.Trim();
        if (name.EndsWith(".service", StringComparison.Ordinal))
            name = name[..^".service".Length];
        if (!UnitName().IsMatch(name) || name.StartsWith("ccimage-", StringComparison.Ordinal))
            throw Diag.Error(nameof(Strings.SiteServiceNameInvalid), text);
        return name;
    }

    /// <summary>The steps with each "@ASSET name@" line replaced by that asset's text.</summary>
    private static string Steps()
    {
        var text = new StringBuilder();
        foreach (string line in Read("system_hardening.sh").Split('\n'))
        {
            var m = AssetLine().Match(line);
            if (m.Success)
                text.Append(CheckEmbeddable(Read(m.Groups[1].Value), m.Groups[1].Value));
            else
                text.Append(line).Append('\n');
        }
        return text.ToString().TrimEnd('\n') + "\n";
    }

    private static string CheckEmbeddable(string text, string name)
    {
        if (text.Split('\n').Contains(HereDocumentEnd))
            throw new InvalidOperationException($"{name} holds the here-document delimiter {HereDocumentEnd} as a line.");
        return text.EndsWith('\n') ? text : text + "\n";
    }

    /// <summary>NAME='value', the value single-quoted for sh.</summary>
    private static void Variable(StringBuilder script, string name, string value) =>
        script.Append(name).Append('=').Append(ShellQuote(value)).Append('\n');

    public static string ShellQuote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The embedded asset <paramref name="name"/> (Hardening/Assets).</summary>
    public static string Read(string name)
    {
        using var stream = typeof(HardeningScript).Assembly.GetManifestResourceStream(ResourcePrefix + name)
            ?? throw new InvalidOperationException($"No embedded hardening asset named '{name}'.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    [GeneratedRegex("^@ASSET ([A-Za-z0-9_.-]+)@$")]
    private static partial Regex AssetLine();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.@-]{0,200}$")]
    private static partial Regex UnitName();
}
