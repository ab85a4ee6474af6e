// Test fixture: a Debian bookworm root tree with a kernel, systemd, busybox, cryptsetup-bin, e2fsprogs and kmod, made
// with mmdebstrap from the machine's Debian mirror once and kept under artifacts/test-cache/boot-rootfs/<key>/ (the
// key hashes everything that shapes it; <key>.complete marks a finished tree). The distribution's initramfs is never generated: an essential hook diverts
// update-initramfs to a no-op. Consumers treat the tree as read-only and copy it (CopyTo) before changing anything.
// Small on purpose and in one file, so the real root filesystem builder's shared fixture can replace it.
using System.Security.Cryptography;
using System.Text;
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;
using CcImage.Core.Packages;
using CcImage.Core.Tools;

namespace CcImage.Tests.Boot;

internal static class BootRootFsFixture
{
    public const string Suite = "bookworm";

    public static IReadOnlyList<string> Packages { get; } =
        ["linux-image-amd64", "systemd", "systemd-sysv", "cryptsetup-bin", "busybox", "e2fsprogs", "kmod"];

    /// <summary>Leaves documentation out (smaller tree, faster tests); has no effect on what boots.</summary>
    private static readonly string[] PathExcludes = ["/usr/share/man/*", "/usr/share/doc/*", "/usr/share/locale/*", "/usr/share/info/*"];

    /// <summary>Runs in the tree after the essential packages: the kernel's postinst then finds a no-op update-initramfs.</summary>
    private const string DivertInitramfsHook =
        "chroot \"$1\" dpkg-divert --quiet --local --divert /usr/sbin/update-initramfs.distrib --rename --add /usr/sbin/update-initramfs"
        + " && printf '#!/bin/sh\\nexit 0\\n' > \"$1/usr/sbin/update-initramfs\" && chmod 0755 \"$1/usr/sbin/update-initramfs\"";

    private const long SourceDateEpoch = 1700000000;

    private static readonly Lazy<BootRootFs> Lazy = new(Build, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared tree (built on first use, up to a few minutes; then reused across runs).</summary>
    public static BootRootFs Tree => Lazy.Value;

    private static BootRootFs Build()
    {
        string mirror = AptSource.ReadConfigured().FirstOrDefault(s => s.IsMainArchive)?.Uri
                        ?? throw new InvalidOperationException("The machine's apt configuration names no Debian mirror.");
        string key = Key(mirror);
        string cache = Path.Combine(TestPaths.RepoRoot, "artifacts", "test-cache", "boot-rootfs");
        string folder = Path.Combine(cache, key);
        string complete = folder + ".complete";
        if (!File.Exists(complete))
        {
            Directory.CreateDirectory(cache);
            string temp = Path.Combine(cache, key + ".tmp-" + Guid.NewGuid().ToString("N")[..8]);
            var arguments = new List<string> { "--variant=minbase", "--include=" + string.Join(',', Packages), "--essential-hook=" + DivertInitramfsHook };
            arguments.AddRange(PathExcludes.Select(p => "--dpkgopt=path-exclude=" + p));
            arguments.AddRange([Suite, temp, mirror]);
            try
            {
                new ToolRunner(NullLog.Instance).Run(HostTool.Mmdebstrap, arguments,
                    environment: new Dictionary<string, string?> { ["SOURCE_DATE_EPOCH"] = SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    timeout: TimeSpan.FromMinutes(20));
                if (!File.Exists(complete)) // another test run may have finished the same tree meanwhile: keep that one
                {
                    if (Directory.Exists(folder))
                        RefTools.Run("rm", "-rf", folder); // left half-moved by an interrupted run
                    Directory.Move(temp, folder);
                    File.WriteAllText(complete, key);
                }
            }
            finally
            {
                if (Directory.Exists(temp))
                    RefTools.Run("rm", "-rf", temp);
            }
        }
        var kernel = RootTreeKernel.Find(folder);
        return new BootRootFs(folder, kernel.Version, kernel.ImagePath);
    }

    private static string Key(string mirror)
    {
        string recipe = string.Join('\n', [Suite, mirror, .. Packages, .. PathExcludes, DivertInitramfsHook, SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(recipe)))[..16].ToLowerInvariant();
    }
}

/// <summary>A root tree on disk, its kernel version (the folder under /lib/modules) and its kernel image.</summary>
internal sealed record BootRootFs(string Folder, string KernelVersion, string Kernel)
{
    /// <summary>Copies the tree (owners, modes, links, device nodes kept) to <paramref name="destination"/>, which must not exist.</summary>
    public string CopyTo(string destination)
    {
        RefTools.Run("cp", "-a", Folder, destination).AssertSuccess("cp -a of the root tree");
        return destination;
    }
}
