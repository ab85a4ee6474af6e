// Converts a layer tar into a compact ext4 image as hcsshim's tar2ext4.ConvertTarToExt4 does with ConvertWhiteout:
// every entry's parent directories are made first (copying their parent's metadata), `.wh.NAME` becomes a 0:0
// character device NAME, `.wh..wh..opq` sets trusted.overlay.opaque=y on its directory, hard links share an inode,
// and PAX SCHILY.xattr.* records become extended attributes.
// Spec: OCI image-spec layer.md ("Whiteouts"); hcsshim ext4/tar2ext4/tar2ext4.go.
using System.Text;
using CcImage.Core.LayerTar;
using static CcImage.Core.CompactExt4.CompactExt4Layout;

namespace CcImage.Core.CompactExt4;

internal static class Tar2Ext4
{
    private const string WhiteoutPrefix = ".wh.";
    private const string OpaqueWhiteout = ".wh..wh..opq";
    private const string OpaqueXattr = "trusted.overlay.opaque";
    private const string XattrPrefix = "SCHILY.xattr.";
    private const int CopyBufferSize = 1 << 20;

    /// <summary>The maximum image size hcsshim passes (dmverity.RecommendedVHDSizeGB, 128 GiB); it sizes the descriptor table.</summary>
    public const long MaximumDiskSize = 128L << 30;

    /// <summary>Converts the tar read from <paramref name="tar"/>; returns the reader so the caller can check how the archive ended.</summary>
    public static LayerTarReader Convert(Stream tar, IExt4Sink sink, CancellationToken cancellationToken)
    {
        var reader = new LayerTarReader(tar);
        var fs = new CompactExt4Writer(sink, MaximumDiskSize);
        var buffer = new byte[CopyBufferSize];
        while (reader.Next() is { } hdr)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string name = hdr.Name;
            fs.MakeParents(name);

            var (dir, file) = GoPath.Split(name);
            if (file.StartsWith(WhiteoutPrefix, StringComparison.Ordinal))
            {
                if (file == OpaqueWhiteout)
                {
                    var f = fs.Stat(dir);
                    f.Xattrs[OpaqueXattr] = "y"u8.ToArray();
                    fs.Create(dir, f);
                }
                else
                {
                    fs.Create(GoPath.Join(dir, file[WhiteoutPrefix.Length..]), new CompactExt4File { Mode = S_IFCHR });
                }
                continue;
            }

            if (hdr.Typeflag == TarTypeflag.Link)
            {
                fs.Link(hdr.Linkname, name);
                continue;
            }

            var entry = new CompactExt4File
            {
                Mode = (ushort)hdr.Mode,
                Atime = hdr.AccessTime,
                Mtime = hdr.ModTime,
                Ctime = hdr.ChangeTime,
                Crtime = hdr.ModTime,
                Size = hdr.Size,
                Uid = (uint)hdr.Uid,
                Gid = (uint)hdr.Gid,
                Linkname = hdr.Linkname,
                Devmajor = (uint)hdr.Devmajor,
                Devminor = (uint)hdr.Devminor,
            };
            foreach (var (key, value) in hdr.PaxRecords)
                if (key.StartsWith(XattrPrefix, StringComparison.Ordinal))
                    entry.Xattrs[key[XattrPrefix.Length..]] = Encoding.Latin1.GetBytes(value);

            ushort typ = hdr.Typeflag switch
            {
                TarTypeflag.Reg => S_IFREG,
                TarTypeflag.Symlink => S_IFLNK,
                TarTypeflag.CharDevice => S_IFCHR,
                TarTypeflag.BlockDevice => S_IFBLK,
                TarTypeflag.Dir => S_IFDIR,
                TarTypeflag.Fifo => S_IFIFO,
                _ => 0,
            };
            entry.Mode = (ushort)((entry.Mode & ~TypeMask) | typ);
            fs.Create(name, entry);
            int n;
            while ((n = reader.Read(buffer)) > 0)
                fs.Write(buffer.AsSpan(0, n));
        }
        fs.Close();
        return reader;
    }
}
