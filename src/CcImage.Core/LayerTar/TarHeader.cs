// One entry of a layer tar as Go's archive/tar reports it. Names are kept byte for byte: each byte is one char
// (Latin-1), so ordinal comparison is Go's byte-wise string comparison and no UTF-8 decoding can change a name.
namespace CcImage.Core.LayerTar;

public sealed class TarHeader
{
    public byte Typeflag { get; set; }
    public string Name { get; set; } = "";
    public string Linkname { get; set; } = "";
    public long Size { get; set; }
    public long Mode { get; set; }
    public long Uid { get; set; }
    public long Gid { get; set; }
    public long Devmajor { get; set; }
    public long Devminor { get; set; }
    public GoTime ModTime { get; set; } = GoTime.Zero;
    public GoTime AccessTime { get; set; } = GoTime.Zero;
    public GoTime ChangeTime { get; set; } = GoTime.Zero;

    /// <summary>The PAX records that applied to this entry (keys and values as Latin-1 strings), or empty.</summary>
    public IReadOnlyDictionary<string, string> PaxRecords { get; set; } = new Dictionary<string, string>();
}
