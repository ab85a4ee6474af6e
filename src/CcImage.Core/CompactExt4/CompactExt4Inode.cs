// One inode of a compact ext4 image while it is being built (hcsshim compactext4.inode).
namespace CcImage.Core.CompactExt4;

internal sealed class CompactExt4Inode
{
    public long Size { get; set; }
    public ulong Atime { get; set; }
    public ulong Ctime { get; set; }
    public ulong Mtime { get; set; }
    public ulong Crtime { get; set; }
    public uint Number { get; set; }
    public ushort Mode { get; set; }
    public uint Uid { get; set; }
    public uint Gid { get; set; }
    public uint LinkCount { get; set; }
    public uint XattrBlock { get; set; }
    public uint BlockCount { get; set; }
    public uint Devmajor { get; set; }
    public uint Devminor { get; set; }
    public uint Flags { get; set; }

    /// <summary>The 60-byte i_block contents: an extent tree root or a short symlink target.</summary>
    public byte[]? Data { get; set; }

    /// <summary>The in-inode extended attribute area (after the used part of the inode), or null.</summary>
    public byte[]? XattrInline { get; set; }

    /// <summary>Directory entries by name; null for anything but a directory.</summary>
    public Dictionary<string, CompactExt4Inode>? Children { get; set; }

    public ushort FileType => (ushort)(Mode & CompactExt4Layout.TypeMask);

    public bool IsDir => FileType == CompactExt4Layout.S_IFDIR;
}
