// Tar entry type flags (POSIX.1-2001 ustar, pax, and the GNU extensions Go's archive/tar knows).
namespace CcImage.Core.LayerTar;

public static class TarTypeflag
{
    public const byte Reg = (byte)'0';
    public const byte RegA = 0;
    public const byte Link = (byte)'1';
    public const byte Symlink = (byte)'2';
    public const byte CharDevice = (byte)'3';
    public const byte BlockDevice = (byte)'4';
    public const byte Dir = (byte)'5';
    public const byte Fifo = (byte)'6';
    public const byte Cont = (byte)'7';
    public const byte XHeader = (byte)'x';
    public const byte XGlobalHeader = (byte)'g';
    public const byte GnuSparse = (byte)'S';
    public const byte GnuLongName = (byte)'L';
    public const byte GnuLongLink = (byte)'K';

    /// <summary>Types whose size field does not announce data in the archive.</summary>
    public static bool IsHeaderOnly(byte flag) =>
        flag is Link or Symlink or CharDevice or BlockDevice or Dir or Fifo;
}
