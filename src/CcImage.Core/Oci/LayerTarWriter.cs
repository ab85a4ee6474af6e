// Writes an image layer as a reproducible tar: entries in the order given (callers sort them), every time set to
// one fixed second (SOURCE_DATE_EPOCH), owners numeric with empty user and group names, ustar headers with a pax
// extended header only when a name or link target does not fit. The same inputs always give the same bytes.
// Spec: POSIX.1-2001 ustar and pax interchange formats (IEEE 1003.1, "pax"); OCI image-spec layer.md.
using System.Globalization;
using System.Text;

namespace CcImage.Core.Oci;

public sealed class LayerTarWriter(Stream output, long modificationTime)
{
    private const int BlockSize = 512;
    private const int NameFieldLength = 100;
    private const int PrefixFieldLength = 155;
    private const byte RegularType = (byte)'0';
    private const byte SymlinkType = (byte)'2';
    private const byte DirectoryType = (byte)'5';
    private const byte PaxType = (byte)'x';
    private const int EndOfArchiveBlocks = 2;

    public void AddDirectory(string name, int mode, int uid = 0, int gid = 0) =>
        WriteEntry(DirectoryType, name.TrimEnd('/') + "/", 0, "", mode, uid, gid);

    public void AddSymlink(string name, string target, int uid = 0, int gid = 0) =>
        WriteEntry(SymlinkType, name, 0, target, 0x1FF, uid, gid);

    public void AddFile(string name, Stream content, long length, int mode, int uid = 0, int gid = 0)
    {
        WriteEntry(RegularType, name, length, "", mode, uid, gid);
        long copied = 0;
        var buffer = new byte[1 << 16];
        while (copied < length)
        {
            int n = content.Read(buffer, 0, (int)Math.Min(buffer.Length, length - copied));
            if (n == 0)
                throw new EndOfStreamException($"{name} changed while it was being added to the layer");
            output.Write(buffer, 0, n);
            copied += n;
        }
        Pad(length);
    }

    public void AddFile(string name, byte[] content, int mode, int uid = 0, int gid = 0) =>
        AddFile(name, new MemoryStream(content), content.Length, mode, uid, gid);

    public void Finish()
    {
        output.Write(new byte[BlockSize * EndOfArchiveBlocks]);
        output.Flush();
    }

    private void WriteEntry(byte type, string name, long size, string linkname, int mode, int uid, int gid)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        byte[] linkBytes = Encoding.UTF8.GetBytes(linkname);
        string headerName = name, headerPrefix = "";
        var pax = new List<(string, string)>();
        if (nameBytes.Length > NameFieldLength || !IsAscii(nameBytes))
        {
            if (!SplitUstar(name, out headerPrefix, out headerName))
            {
                pax.Add(("path", name));
                headerPrefix = "";
                headerName = Truncate(name, NameFieldLength);
            }
        }
        if (linkBytes.Length > NameFieldLength || !IsAscii(linkBytes))
        {
            pax.Add(("linkpath", linkname));
            linkname = Truncate(linkname, NameFieldLength);
        }
        if (pax.Count > 0)
        {
            byte[] body = PaxBody(pax);
            output.Write(Header(PaxType, Truncate("PaxHeaders/" + headerName, NameFieldLength), "", body.Length, "", 0x1A4, 0, 0));
            output.Write(body);
            Pad(body.Length);
        }
        output.Write(Header(type, headerName, headerPrefix, size, linkname, mode, uid, gid));
    }

    private static bool SplitUstar(string name, out string prefix, out string rest)
    {
        prefix = "";
        rest = name;
        byte[] bytes = Encoding.UTF8.GetBytes(name);
        if (!IsAscii(bytes))
            return false;
        for (int i = Math.Min(bytes.Length - 1, PrefixFieldLength); i > 0; i--)
        {
            if (bytes[i] != '/')
                continue;
            if (bytes.Length - i - 1 <= NameFieldLength && bytes.Length - i - 1 > 0)
            {
                prefix = name[..i];
                rest = name[(i + 1)..];
                return true;
            }
        }
        return false;
    }

    private static bool IsAscii(byte[] bytes) => bytes.All(b => b is > 0 and < 0x80);

    private static string Truncate(string s, int bytes)
    {
        string ascii = new(s.Select(c => c < 0x80 ? c : '_').ToArray());
        return ascii.Length <= bytes ? ascii : ascii[..bytes];
    }

    private static byte[] PaxBody(List<(string Key, string Value)> records)
    {
        var body = new MemoryStream();
        foreach (var (key, value) in records)
        {
            int payload = Encoding.UTF8.GetByteCount(key) + Encoding.UTF8.GetByteCount(value) + 3;
            int size = payload + payload.ToString(CultureInfo.InvariantCulture).Length;
            if (size.ToString(CultureInfo.InvariantCulture).Length + payload != size)
                size = payload + size.ToString(CultureInfo.InvariantCulture).Length;
            body.Write(Encoding.UTF8.GetBytes($"{size} {key}={value}\n"));
        }
        return body.ToArray();
    }

    private byte[] Header(byte type, string name, string prefix, long size, string linkname, int mode, int uid, int gid)
    {
        var h = new byte[BlockSize];
        Encoding.ASCII.GetBytes(name).CopyTo(h, 0);
        Octal(h, 100, 8, mode);
        Octal(h, 108, 8, uid);
        Octal(h, 116, 8, gid);
        Octal(h, 124, 12, size);
        Octal(h, 136, 12, modificationTime);
        h[156] = type;
        Encoding.ASCII.GetBytes(linkname).CopyTo(h, 157);
        "ustar\0"u8.CopyTo(h.AsSpan(257));
        "00"u8.CopyTo(h.AsSpan(263));
        Octal(h, 329, 8, 0);
        Octal(h, 337, 8, 0);
        Encoding.ASCII.GetBytes(prefix).CopyTo(h, 345);
        h.AsSpan(148, 8).Fill((byte)' ');
        long sum = 0;
        foreach (byte b in h)
            sum += b;
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(h, 148);
        return h;
    }

    private static void Octal(byte[] h, int offset, int length, long value) =>
        Encoding.ASCII.GetBytes(Convert.ToString(value, 8).PadLeft(length - 1, '0') + "\0").CopyTo(h, offset);

    private void Pad(long length)
    {
        int pad = (int)((BlockSize - length % BlockSize) % BlockSize);
        if (pad > 0)
            output.Write(new byte[pad]);
    }
}
