// How one archive of an initramfs file is stored: as is (e.g. the early microcode archive) or as a gzip member.
namespace CcImage.Core.Cpio;

public enum CpioCompression
{
    None,
    Gzip,
}
