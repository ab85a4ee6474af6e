// The text the builder hands mmdebstrap: the apt source line, the apt preferences that pin a lock's versions, and the
// two hook scripts (mmdebstrap(1) HOOKS; each runs with the chroot folder as $1).
//   setup     (before apt update) seeds apt's lists with the indexes the mirror check verified, makes dpkg skip fsync (force-unsafe-io: half the install time; nothing is written to
//             disk that a crash could leave half-done, the tarball is written afterwards) and installs the lock's pins.
//   customize (after every package) installs the local debs with apt inside the chroot (so their dependencies come from
//             the mirror), sets the locale (C.UTF-8, or one localedef generates without an archive: locale-archive
//             depends on generation order, the per-locale folders do not), the timezone, a fixed host name, drops the
//             host's resolv.conf that mmdebstrap copied in, copies the CcFiles through the chroot (so an absolute symlink
//             in the image cannot redirect a write onto the host), and removes the build-only settings again.
// Every value that reaches a script has been validated (RootFsNames) and is single-quoted besides.
using System.Globalization;
using System.Text;

namespace CcImage.Core.RootFs;

internal static class RootFsHooks
{
    public const string UnsafeIoConfig = "etc/dpkg/dpkg.cfg.d/zz-ccimage-build";
    public const string LockPreferences = "etc/apt/preferences.d/zz-ccimage-lock.pref";
    public const string FixedHostName = "localhost";
    private const string DebFolderInChroot = "/tmp/ccimage-debs";
    private const string LockPriority = "1001";

    /// <summary>The one-line apt source for the build: <c>deb [signed-by=KEYRING] MIRROR SUITE COMPONENTS</c>.</summary>
    public static string SourcesLine(RootFsSpec spec, RootFsSources sources) =>
        $"deb [signed-by={sources.Keyring}] {sources.Mirror} {spec.Suite} {string.Join(' ', spec.Components)}";

    /// <summary>apt_preferences(5) stanzas pinning every locked version at priority 1001 (installed even as a downgrade).</summary>
    public static string Preferences(PackageLock packageLock)
    {
        var text = new StringBuilder();
        foreach (var package in packageLock.Packages.DistinctBy(p => p.Name).OrderBy(p => p.Name, StringComparer.Ordinal))
            text.Append(CultureInfo.InvariantCulture, $"Package: {package.Name}\nPin: version {package.Version}\nPin-Priority: {LockPriority}\n\n");
        return text.ToString();
    }

    /// <param name="preferences">The lock's pins, or null.</param>
    /// <param name="indexFiles">Package indexes the mirror check downloaded and verified; copied into the chroot's apt
    /// lists so mmdebstrap's apt-get update finds them current (the mirror answers "not modified") instead of
    /// downloading them again. mmdebstrap removes the lists before it packs the tarball.</param>
    public static string SetupScript(string? preferences, IReadOnlyList<string> indexFiles)
    {
        var s = Header("setup");
        if (indexFiles.Count > 0)
        {
            s.Append("mkdir -p \"$root/var/lib/apt/lists\"\n");
            s.Append(CultureInfo.InvariantCulture, $"cp -p {string.Join(' ', indexFiles.Select(Quote))} \"$root/var/lib/apt/lists/\"\n");
        }
        s.Append("mkdir -p \"$root/etc/dpkg/dpkg.cfg.d\"\n");
        s.Append(CultureInfo.InvariantCulture, $"printf '%s\\n' force-unsafe-io > \"$root/{UnsafeIoConfig}\"\n");
        if (preferences != null)
        {
            s.Append("mkdir -p \"$root/etc/apt/preferences.d\"\n");
            s.Append(CultureInfo.InvariantCulture, $"cat > \"$root/{LockPreferences}\" <<'CCIMAGE_PREFERENCES'\n{preferences}CCIMAGE_PREFERENCES\n");
        }
        return s.ToString();
    }

    public static string CustomizeScript(RootFsSpec spec, IReadOnlyList<LocalDeb> debs)
    {
        var s = Header("customize");
        if (debs.Count > 0)
        {
            s.Append(CultureInfo.InvariantCulture, $"mkdir \"$root{DebFolderInChroot}\"\n");
            var inChroot = new List<string>();
            foreach (var deb in debs.OrderBy(d => d.Sha256, StringComparer.Ordinal))
            {
                string name = $"{DebFolderInChroot}/{deb.Sha256}.deb";
                s.Append(CultureInfo.InvariantCulture, $"cp {Quote(deb.Path)} \"$root{name}\"\n");
                inChroot.Add(Quote(name));
            }
            s.Append(CultureInfo.InvariantCulture,
                $"chroot \"$root\" apt-get install --yes --no-install-recommends -o Dpkg::Use-Pty=0 {string.Join(' ', inChroot)}\n");
            s.Append(CultureInfo.InvariantCulture, $"rm -r \"$root{DebFolderInChroot}\"\n");
        }

        s.Append("rm -f \"$root/etc/default/locale\"\n");
        s.Append(CultureInfo.InvariantCulture, $"printf 'LANG=%s\\n' {Quote(spec.Locale)} > \"$root/etc/default/locale\"\n");
        if (spec.Locale != RootFsNames.BuiltInLocale)
        {
            string name = spec.Locale[..spec.Locale.IndexOf('.', StringComparison.Ordinal)];
            s.Append(CultureInfo.InvariantCulture, $"chroot \"$root\" localedef --no-archive -i {Quote(name)} -c -f UTF-8 {Quote(spec.Locale)}\n");
        }

        string zone = spec.CanonicalTimezone;
        s.Append(CultureInfo.InvariantCulture, $"ln -sfn {Quote("/usr/share/zoneinfo/" + zone)} \"$root/etc/localtime\"\n");
        s.Append("rm -f \"$root/etc/timezone\"\n");
        s.Append(CultureInfo.InvariantCulture, $"printf '%s\\n' {Quote(zone)} > \"$root/etc/timezone\"\n");

        s.Append("rm -f \"$root/etc/hostname\" \"$root/etc/resolv.conf\"\n");
        s.Append(CultureInfo.InvariantCulture, $"printf '%s\\n' {FixedHostName} > \"$root/etc/hostname\"\n");

        foreach (var file in spec.Files.OrderBy(f => f.Destination, StringComparer.Ordinal))
        {
            // Inside the chroot: make the parent folders, replace whatever is at the destination, copy from stdin.
            s.Append("chroot \"$root\" /bin/sh -c 'mkdir -p \"$(dirname \"$1\")\" && rm -f \"$1\" && cat > \"$1\" && chmod \"$2\" \"$1\" && chown \"$3\" \"$1\"' ccimage-file ");
            s.Append(CultureInfo.InvariantCulture, $"{Quote(file.Destination)} {RootFsSpec.OctalMode(file.Mode)} {Quote(file.Owner ?? "0:0")} < {Quote(Path.GetFullPath(file.Source))}\n");
        }

        s.Append(CultureInfo.InvariantCulture, $"rm -f \"$root/{UnsafeIoConfig}\" \"$root/{LockPreferences}\"\n");
        return s.ToString();
    }

    /// <summary>Single-quotes a word for sh(1).</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static StringBuilder Header(string hook) =>
        new StringBuilder("#!/bin/sh\n")
            .Append(CultureInfo.InvariantCulture, $"# CcImage root filesystem: mmdebstrap {hook} hook (generated for one build).\n")
            .Append("set -eu\numask 022\nroot=\"$1\"\n");
}
