// The catalogue of external programs CcImage runs, each with the Debian/Ubuntu package that provides it.
namespace CcImage.Core.Tools;

public sealed record HostTool(string Command, string DebianPackage)
{
    public static readonly HostTool QemuImg = new("qemu-img", "qemu-utils");
    public static readonly HostTool Mke2fs = new("mke2fs", "e2fsprogs");
    public static readonly HostTool Debugfs = new("debugfs", "e2fsprogs");
    public static readonly HostTool Sgdisk = new("sgdisk", "gdisk");
    public static readonly HostTool Sfdisk = new("sfdisk", "fdisk");
    public static readonly HostTool Veritysetup = new("veritysetup", "cryptsetup-bin");
    public static readonly HostTool Cryptsetup = new("cryptsetup", "cryptsetup-bin");
    public static readonly HostTool Mmdebstrap = new("mmdebstrap", "mmdebstrap");
    public static readonly HostTool AptGet = new("apt-get", "apt");
    public static readonly HostTool AptCache = new("apt-cache", "apt");
    public static readonly HostTool DpkgDeb = new("dpkg-deb", "dpkg");
    public static readonly HostTool Cpio = new("cpio", "cpio");
    public static readonly HostTool Python3 = new("python3", "python3-pip");
    public static readonly HostTool QemuSystemX86 = new("qemu-system-x86_64", "qemu-system-x86");
}
