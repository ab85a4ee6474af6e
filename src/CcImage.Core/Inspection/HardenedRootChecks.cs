// The checks of every hardening rule of stage 3, read from the hardened image's root file system (docs/harden-image.md
// lists the rules and these checks): the hardening script is the one the build ran; no ssh server, no sudo, no other
// remote-shell package; root locked and no account with a password or a login shell; every getty, serial getty,
// rescue, emergency and debug shell masked; the sysctl, core-dump and module settings; no set-user-ID or
// set-group-ID program anywhere; the nftables ruleset exactly the one of the CcAllowedPort items and loaded at boot;
// no mount but the init's (an empty fstab, automount masked); the site service enabled as the service account.
using CcImage.Core.Disk;
using CcImage.Core.Hardening;
using CcImage.Core.Layout;
using CcImage.Core.Nvflare;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Inspection;

public static class HardenedRootChecks
{
    private const string LocalUnits = "/etc/systemd/system";
    private const string Units = "/usr/lib/systemd/system";

    /// <summary>Units that would give a login or a shell; each must be masked (a link to /dev/null).</summary>
    public static readonly IReadOnlyList<string> MaskedUnits =
    [
        "getty@.service", "serial-getty@.service", "console-getty.service", "container-getty@.service", "autovt@.service",
        "getty.target", "debug-shell.service", "emergency.service", "rescue.service", "ctrl-alt-del.target",
        "proc-sys-fs-binfmt_misc.automount",
    ];

    public static readonly IReadOnlyList<string> MaskedGenerators = ["systemd-getty-generator", "systemd-gpt-auto-generator"];

    /// <summary>Packages that would let someone in or up; none may be installed.</summary>
    public static readonly IReadOnlyList<string> ForbiddenPackages =
        ["openssh-server", "dropbear", "dropbear-bin", "tinysshd", "telnetd", "inetutils-telnetd", "rsh-server", "sudo", "sudo-ldap", "doas", "opendoas"];

    /// <summary>sysctl settings the image must set, with their values.</summary>
    public static readonly IReadOnlyList<(string Key, string Value)> Sysctls =
    [
        ("kernel.kptr_restrict", "2"), ("kernel.dmesg_restrict", "1"), ("kernel.sysrq", "0"), ("fs.suid_dumpable", "0"),
        ("kernel.core_pattern", "|/bin/false"), ("kernel.unprivileged_bpf_disabled", "1"), ("kernel.yama.ptrace_scope", "2"),
        ("net.ipv4.ip_forward", "0"), ("net.ipv4.conf.all.accept_redirects", "0"), ("net.ipv6.conf.all.accept_ra", "0"),
    ];

    private static readonly string[] BlockedModules = ["usb-storage", "firewire-core", "cramfs", "udf", "vfat", "fuse", "nfs"];

    private static readonly string[] RemoteShellPrograms = ["/usr/sbin/sshd", "/usr/bin/sudo", "/usr/bin/doas", "/usr/sbin/dropbear"];

    private static readonly string[] NoLoginShells = ["/usr/sbin/nologin", "/sbin/nologin", "/bin/false", "/usr/bin/false", "/bin/sync"];

    public static void Run(Ext4Inspector root, ImageProject project, IReadOnlyList<LayoutPartition> layout, List<string> failures, List<string> passed)
    {
        Check(failures, passed, "the hardening script is in the image as the build ran it",
            root.ReadText(HardeningScript.PathInImage) == HardeningScript.For(project, layout),
            $"{HardeningScript.PathInImage} is missing or differs from the build's script");

        var installed = DpkgInstalled(root.ReadText("/var/lib/dpkg/status") ?? "");
        var forbidden = ForbiddenPackages.Where(installed.Contains).ToList();
        var programs = RemoteShellPrograms.Where(p => root.Stat(p) != null).ToList();
        Check(failures, passed, "no ssh server, no sudo", forbidden.Count == 0 && programs.Count == 0,
            $"installed: {string.Join(", ", forbidden.Concat(programs))}");

        var shadow = (root.ReadText("/etc/shadow") ?? "").Split('\n').Select(l => l.Split(':')).Where(f => f.Length >= 2).ToList();
        var rootShadow = shadow.FirstOrDefault(f => f[0] == "root");
        var rootPasswd = NvflareRootChecks.Fields(root.ReadText("/etc/passwd"), "root");
        Check(failures, passed, "root locked with no login shell",
            rootShadow != null && Locked(rootShadow[1]) && rootPasswd is { Length: >= 7 } && NoLoginShells.Contains(rootPasswd[6]),
            $"root is not locked (password field '{(rootShadow == null ? "missing" : rootShadow[1].Length > 2 ? rootShadow[1][..2] + "…" : rootShadow[1])}', shell {rootPasswd?.ElementAtOrDefault(6)})");
        var withPassword = shadow.Where(f => !Locked(f[1])).Select(f => f[0]).ToList();
        var withShell = (root.ReadText("/etc/passwd") ?? "").Split('\n').Select(l => l.Split(':'))
            .Where(f => f.Length >= 7 && !NoLoginShells.Contains(f[6])).Select(f => f[0]).ToList();
        Check(failures, passed, "no account with a password or a login shell", withPassword.Count == 0 && withShell.Count == 0,
            $"accounts with a password: [{string.Join(", ", withPassword)}], with a login shell: [{string.Join(", ", withShell)}]");

        var notMasked = MaskedUnits.Where(u => root.Stat($"{LocalUnits}/{u}")?.LinkTarget != "/dev/null")
            .Concat(MaskedGenerators.Where(g => root.Stat($"/etc/systemd/system-generators/{g}")?.LinkTarget != "/dev/null")).ToList();
        var gettyLinks = root.List($"{LocalUnits}/getty.target.wants");
        Check(failures, passed, "no getty or serial login on any console, no rescue or debug shell", notMasked.Count == 0 && gettyLinks.Count == 0,
            $"not masked: [{string.Join(", ", notMasked)}], enabled gettys: [{string.Join(", ", gettyLinks)}]");

        string sysctl = root.ReadText("/etc/sysctl.d/90-ccimage-hardening.conf") ?? "";
        var settings = sysctl.Split('\n').Select(l => l.Split('=', 2)).Where(f => f.Length == 2)
            .ToDictionary(f => f[0].Trim(), f => f[1].Trim(), StringComparer.Ordinal);
        var wrong = Sysctls.Where(x => settings.GetValueOrDefault(x.Key) != x.Value).Select(x => x.Key).ToList();
        Check(failures, passed, "kernel and sysctl hardening (kptr_restrict, dmesg_restrict, no sysrq, no core dumps, ...)", wrong.Count == 0,
            $"sysctl settings missing or wrong: {string.Join(", ", wrong)}");
        Check(failures, passed, "core dumps off for every process and service",
            (root.ReadText("/etc/security/limits.d/90-ccimage-hardening.conf") ?? "").Contains("hard core 0", StringComparison.Ordinal)
            && (root.ReadText("/etc/systemd/system.conf.d/90-ccimage-hardening.conf") ?? "").Contains("DefaultLimitCORE=0", StringComparison.Ordinal),
            "the core dump limits are missing");
        string modprobe = root.ReadText("/etc/modprobe.d/90-ccimage-hardening.conf") ?? "";
        Check(failures, passed, "removable storage and other file systems cannot be loaded",
            BlockedModules.All(m => modprobe.Contains($"install {m} /bin/false\n", StringComparison.Ordinal)),
            "/etc/modprobe.d/90-ccimage-hardening.conf does not block removable storage and other file systems");

        var setId = SetIdPrograms(root);
        Check(failures, passed, "no set-user-ID or set-group-ID program", setId.Count == 0, $"set-id programs: {string.Join(", ", setId.Take(10))}");

        string expectedRules = NftablesRuleset.Build(AllowedPort.From(project));
        Check(failures, passed, "nftables drops by default in and out and opens only the CcAllowedPort items",
            root.ReadText("/etc/nftables.conf") == expectedRules, "/etc/nftables.conf is missing or is not the ruleset of the CcAllowedPort items");
        Check(failures, passed, "the firewall is loaded at boot",
            root.Stat($"{LocalUnits}/sysinit.target.wants/nftables.service")?.LinkTarget == $"{Units}/nftables.service",
            "nftables.service is not enabled for sysinit.target");

        string fstab = root.ReadText("/etc/fstab") ?? "";
        var mounts = fstab.Split('\n').Select(l => l.Split('#')[0].Trim()).Where(l => l.Length > 0).ToList();
        Check(failures, passed, "no mount but the partitions the init mounts (empty fstab, automount masked)", mounts.Count == 0,
            $"/etc/fstab mounts: {string.Join("; ", mounts)}");

        string service = HardeningScript.ServiceName(project.Settings["CcSiteServiceName"]);
        string unit = root.ReadText($"{Units}/{service}.service") ?? "";
        var account = ServiceAccount.From(project);
        Check(failures, passed, $"the site service {service}.service runs as {account.User} behind the firewall",
            unit.Contains($"\nUser={account.User}\n", StringComparison.Ordinal) && unit.Contains("Requires=nftables.service", StringComparison.Ordinal)
            && unit.Contains("NoNewPrivileges=yes", StringComparison.Ordinal)
            && root.Stat($"{LocalUnits}/multi-user.target.wants/{service}.service")?.LinkTarget == $"{Units}/{service}.service"
            && root.Stat($"{LocalUnits}/multi-user.target.wants/ccimage-site-ready.service") != null,
            $"{Units}/{service}.service is missing, not enabled, or not run as {account.User} after nftables");
    }

    /// <summary>The hardened image's data mounts by role, from its layout (a partition-level check).</summary>
    public static void RunLayout(IReadOnlyList<StageRecord.RecordedPartition> partitions, ImageProject project, string? cmdline,
        List<string> failures, List<string> passed)
    {
        string role = project.Settings.Choice("CcRole");
        bool input = partitions.Any(p => p.MountPoint == HardenedLayout.InputMountPoint);
        bool output = partitions.Any(p => p.MountPoint == HardenedLayout.OutputMountPoint);
        bool ok = role switch
        {
            "client" => !output,
            "server" => !input,
            _ => true,
        };
        Check(failures, passed, $"data mounts of a {role} image: input {(input ? "yes" : "no")}, output {(output ? "yes" : "no")}", ok,
            $"a {role} image mounts {(role == "client" ? HardenedLayout.OutputMountPoint : HardenedLayout.InputMountPoint)}");
        var arguments = (project.Settings.Optional("CcHardeningKernelCmdline") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var onCommandLine = (cmdline ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var missing = arguments.Where(a => !onCommandLine.Contains(a)).ToList();
        Check(failures, passed, "the kernel command line carries the kernel hardening", cmdline != null && missing.Count == 0,
            $"the kernel command line lacks '{string.Join(' ', missing)}'");
    }

    /// <summary>Regular files with S_ISUID or S_ISGID, found by reading every inode of the file system.</summary>
    private static List<string> SetIdPrograms(Ext4Inspector root)
    {
        const int TypeMask = 0xF000, Regular = 0x8000, SetUid = 0x800, SetGid = 0x400;
        return Ext4InodeScan.UserInodes(root.Image)
            .Where(i => (i.Mode & TypeMask) == Regular && (i.Mode & (SetUid | SetGid)) != 0)
            .Select(i => root.PathOf(i.Inode) ?? $"inode {i.Inode}").ToList();
    }

    private static bool Locked(string hash) => hash.StartsWith('!') || hash.StartsWith('*');

    private static HashSet<string> DpkgInstalled(string status) =>
        status.Split("\n\n").Select(p => p.Split('\n'))
            .Where(lines => lines.Any(l => l.StartsWith("Status: ", StringComparison.Ordinal) && l.EndsWith("install ok installed", StringComparison.Ordinal)))
            .Select(lines => lines.FirstOrDefault(l => l.StartsWith("Package: ", StringComparison.Ordinal))?[9..].Trim())
            .OfType<string>().ToHashSet(StringComparer.Ordinal);

    private static void Check(List<string> failures, List<string> passed, string rule, bool ok, string failure)
    {
        if (ok)
            passed.Add(rule);
        else
            failures.Add(failure);
    }
}
