// A small tar writer for test fixtures, so the bytes of a generated layer never depend on a library's choices:
// ustar headers, pax extended headers ('x') for long names, xattrs and fractional times, GNU long names ('L').
// Spec: POSIX.1-2001 ustar and pax; GNU tar "Basic Tar Format".
using System.Globalization;
using System.Text;

namespace CcImage.Tests.Aci;

internal sealed class TestTarWriter(Stream output)
{
    private const int Block = 512;

    public void Add(byte typeflag, string name, byte[]? data = null, string linkname = "", int mode = 420,
        long uid = 0, long gid = 0, long mtime = 0, int devMajor = 0, int devMinor = 0,
        IReadOnlyDictionary<string, string>? pax = null, bool gnuLongName = false)
    {
        data ??= [];
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        var records = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (pax != null)
            foreach (var (k, v) in pax)
                records[k] = v;
        string headerName = name;
        if (nameBytes.Length > 100 && gnuLongName)
        {
            WriteEntry((byte)'L', "././@LongLink", [.. nameBytes, 0], "", 420, 0, 0, 0, 0, 0);
            headerName = Encoding.UTF8.GetString(nameBytes, 0, 100);
        }
        else if (nameBytes.Length > 100 || nameBytes.Any(b => b >= 0x80))
        {
            records["path"] = name;
            headerName = "pax" + nameBytes.Length.ToString(CultureInfo.InvariantCulture);
        }
        if (Encoding.UTF8.GetByteCount(linkname) > 100)
            records["linkpath"] = linkname;
        if (records.Count > 0)
            WriteEntry((byte)'x', "PaxHeader", PaxBody(records), "", 420, 0, 0, 0, 0, 0);
        string shortLink = Encoding.UTF8.GetByteCount(linkname) > 100 ? "" : linkname;
        WriteEntry(typeflag, headerName, data, shortLink, mode, uid, gid, mtime, devMajor, devMinor);
    }

    public void Finish()
    {
        output.Write(new byte[Block * 2]);
        output.Flush();
    }

    private static byte[] PaxBody(SortedDictionary<string, string> records)
    {
        var body = new MemoryStream();
        foreach (var (k, v) in records)
        {
            int payload = Encoding.UTF8.GetByteCount(k) + Encoding.UTF8.GetByteCount(v) + 3;
            int size = payload + payload.ToString(CultureInfo.InvariantCulture).Length;
            if ((size.ToString(CultureInfo.InvariantCulture).Length + payload) != size)
                size = payload + size.ToString(CultureInfo.InvariantCulture).Length;
            body.Write(Encoding.UTF8.GetBytes($"{size} {k}={v}\n"));
        }
        return body.ToArray();
    }

    private void WriteEntry(byte typeflag, string name, byte[] data, string linkname, int mode, long uid, long gid,
        long mtime, int devMajor, int devMinor)
    {
        var h = new byte[Block];
        byte[] n = Encoding.UTF8.GetBytes(name);
        Array.Copy(n, h, Math.Min(n.Length, 100));
        Octal(h, 100, 8, mode);
        Octal(h, 108, 8, uid);
        Octal(h, 116, 8, gid);
        Octal(h, 124, 12, data.Length);
        Octal(h, 136, 12, mtime);
        h[156] = typeflag;
        byte[] l = Encoding.UTF8.GetBytes(linkname);
        Array.Copy(l, 0, h, 157, Math.Min(l.Length, 100));
        Encoding.ASCII.GetBytes("ustar\0").CopyTo(h, 257);
        Encoding.ASCII.GetBytes("00").CopyTo(h, 263);
        Octal(h, 329, 8, devMajor);
        Octal(h, 337, 8, devMinor);
        for (int i = 148; i < 156; i++)
            h[i] = (byte)' ';
        long sum = h.Sum(b => (long)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        output.Write(h);
        output.Write(data);
        int pad = (Block - data.Length % Block) % Block;
        output.Write(new byte[pad]);
    }

    private static void Octal(byte[] h, int offset, int length, long value)
    {
        string s = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Encoding.ASCII.GetBytes(s + "\0").CopyTo(h, offset);
    }
}
