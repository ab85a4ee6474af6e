// The kinds of file a newc archive entry can be, with their S_IFMT bits (cpio(5) "c_mode"; Linux <sys/stat.h>).
namespace CcImage.Core.Cpio;

public enum CpioEntryType : uint
{
    Fifo = UnixFileStatus.TypeFifo,
    CharDevice = UnixFileStatus.TypeCharDevice,
    Directory = UnixFileStatus.TypeDirectory,
    BlockDevice = UnixFileStatus.TypeBlockDevice,
    RegularFile = UnixFileStatus.TypeRegular,
    Symlink = UnixFileStatus.TypeSymlink,
}
