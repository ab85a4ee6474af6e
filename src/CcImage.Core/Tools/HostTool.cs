// The catalogue of external programs CcImage runs, each with the Debian/Ubuntu package that provides it.
namespace CcImage.Core.Tools;

public sealed record HostTool(string Command, string DebianPackage)
{
    public static readonly HostTool QemuImg = new("qemu-img", "qemu-utils");
    public static readonly HostTool Mke2fs = new("mke2fs", "e2fsprogs");
    public static readonly HostTool Debugfs = new("debugfs", "e2fsprogs");
    public static readonly HostTool E2fsck = new("e2fsck", "e2fsprogs");
    public static readonly HostTool Sgdisk = new("sgdisk", "gdisk");
    public static readonly HostTool Sfdisk = new("sfdisk", "fdisk");
    public static readonly HostTool Veritysetup = new("veritysetup", "cryptsetup-bin");
    public static readonly HostTool Cryptsetup = new("cryptsetup", "cryptsetup-bin");
    public static readonly HostTool Mmdebstrap = new("mmdebstrap", "mmdebstrap");
    public static readonly HostTool AptGet = new("apt-get", "apt");
    public static readonly HostTool AptCache = new("apt-cache", "apt");
    public static readonly HostTool DpkgDeb = new("dpkg-deb", "dpkg");
    public static readonly HostTool DpkgQuery = new("dpkg-query", "dpkg");
    public static readonly HostTool Tar = new("tar", "tar");
    public static readonly HostTool Mount = new("mount", "mount");
    public static readonly HostTool Umount = new("umount", "mount");
    public static readonly HostTool Chroot = new("chroot", "coreutils");
    public static readonly HostTool Chown = new("chown", "coreutils");
    public static readonly HostTool Unshare = new("unshare", "util-linux");
    public static readonly HostTool Cpio = new("cpio", "cpio");
    public static readonly HostTool Python3 = new("python3", "python3-pip");
    public static readonly HostTool QemuSystemX86 = new("qemu-system-x86_64", "qemu-system-x86");
    public static readonly HostTool Dotnet = new("dotnet", "dotnet-sdk (the .NET SDK)");
    public static readonly HostTool Sh = new("sh", "dash");
}
