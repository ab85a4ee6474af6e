// Encodes and decodes ext4 extended attribute entries in an inode's extra space or an xattr block, and the entry
// hash, as compactext4 does (putXattrs, getXattrs, hashXattrEntry). Entries grow from the front, values from the back.
// Spec: ext4 Data Structures, "Extended Attributes" (ext4_xattr_entry, ext4_xattr_hash_entry).
using System.Buffers.Binary;
using System.Text;

namespace CcImage.Core.CompactExt4;

internal static class Ext4XattrCodec
{
    private const int NameHashShift = 5;
    private const int NameHashCarry = 32 - NameHashShift;
    private const int ValueHashShift = 16;

    public static uint Hash(string name, byte[] value)
    {
        uint hash = 0;
        foreach (char c in name)
            hash = (hash << NameHashShift) ^ (hash >> NameHashCarry) ^ (byte)c;
        int i = 0;
        for (; i + 3 < value.Length; i += 4)
            hash = (hash << ValueHashShift) ^ (hash >> ValueHashShift) ^ BinaryPrimitives.ReadUInt32LittleEndian(value.AsSpan(i));
        if (value.Length % 4 != 0)
        {
            Span<byte> last = stackalloc byte[4];
            last.Clear();
            value.AsSpan(value.Length & ~3).CopyTo(last);
            hash = (hash << ValueHashShift) ^ (hash >> ValueHashShift) ^ BinaryPrimitives.ReadUInt32LittleEndian(last);
        }
        return hash;
    }

    /// <summary>Writes <paramref name="xattrs"/> into <paramref name="b"/>; value offsets are relative to b's start plus <paramref name="offsetDelta"/>.</summary>
    public static void Put(IEnumerable<Ext4Xattr> xattrs, Span<byte> b, ushort offsetDelta)
    {
        ushort offset = (ushort)(b.Length + offsetDelta);
        int entryAt = 0;
        int dataEnd = b.Length;
        foreach (var x in xattrs)
        {
            int vl = x.ValueLength;
            offset -= (ushort)vl;
            var eb = b[entryAt..];
            eb[0] = (byte)x.Name.Length;
            eb[1] = x.Index;
            BinaryPrimitives.WriteUInt16LittleEndian(eb[2..], offset);
            BinaryPrimitives.WriteUInt32LittleEndian(eb[8..], (uint)x.Value.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(eb[12..], Hash(x.Name, x.Value));
            Encoding.Latin1.GetBytes(x.Name, eb[CompactExt4Layout.XattrEntryHeaderSize..]);
            entryAt += x.EntryLength;
            x.Value.CopyTo(b[(dataEnd - vl)..]);
            dataEnd -= vl;
        }
    }

    /// <summary>Reads the entries of <paramref name="b"/> into <paramref name="xattrs"/> by full name.</summary>
    public static void Get(ReadOnlySpan<byte> b, Dictionary<string, byte[]> xattrs, ushort offsetDelta)
    {
        var eb = b;
        while (eb.Length != 0)
        {
            byte nameLength = eb[0];
            if (nameLength == 0)
                break;
            byte index = eb[1];
            ushort offset = (ushort)(BinaryPrimitives.ReadUInt16LittleEndian(eb[2..]) - offsetDelta);
            uint valueLength = BinaryPrimitives.ReadUInt32LittleEndian(eb[8..]);
            string name = Encoding.Latin1.GetString(eb.Slice(CompactExt4Layout.XattrEntryHeaderSize, nameLength));
            byte[] value = b.Slice(offset, (int)valueLength).ToArray();
            xattrs[Ext4Xattr.Decompress(index, name)] = value;
            eb = eb[(((nameLength + 3) & ~3) + CompactExt4Layout.XattrEntryHeaderSize)..];
        }
    }
}
