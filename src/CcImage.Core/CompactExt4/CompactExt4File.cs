// What is known about one file when it is added to a compact ext4 image (hcsshim compactext4.File).
using CcImage.Core.LayerTar;

namespace CcImage.Core.CompactExt4;

internal sealed class CompactExt4File
{
    public string Linkname { get; set; } = "";
    public long Size { get; set; }
    public ushort Mode { get; set; }
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public GoTime Atime { get; set; } = GoTime.Zero;
    public GoTime Ctime { get; set; } = GoTime.Zero;
    public GoTime Mtime { get; set; } = GoTime.Zero;
    public GoTime Crtime { get; set; } = GoTime.Zero;
    public uint Devmajor { get; set; }
    public uint Devminor { get; set; }

    /// <summary>Extended attributes by full name (Latin-1 strings, byte for byte).</summary>
    public Dictionary<string, byte[]> Xattrs { get; set; } = new(StringComparer.Ordinal);
}
