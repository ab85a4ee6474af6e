// Builds a layer tar from a seed: a random tree with files of many sizes (0, around a block, a few hundred KiB, and
// optionally one large multi-extent file), directories several levels deep and one with hundreds of entries, short
// and long symlinks, hard links, whiteouts, opaque directories, xattrs (some inline, some spilling into an xattr
// block), long, GNU-long and Unicode names, devices, FIFOs and pax times with fractions. The same seed always gives
// the same bytes, so a root hash recorded once from hcsshim's tar2ext4 stays valid.
using System.Globalization;

namespace CcImage.Tests.Aci;

internal static class LayerFixture
{
    private static readonly string[] UnicodeParts = ["a", "é", "日", "本", "ü", "😀"];
    private const byte Reg = (byte)'0', Hard = (byte)'1', Sym = (byte)'2', Chr = (byte)'3', Blk = (byte)'4', Dir = (byte)'5', Fifo = (byte)'6';

    /// <summary>Writes the layer for <paramref name="seed"/> to <paramref name="path"/>; <paramref name="largeFileBytes"/> adds one big file.</summary>
    public static void Write(string path, int seed, long largeFileBytes = 0)
    {
        using var file = File.Create(path);
        var tar = new TestTarWriter(file);
        var r = new Random(seed);
        var dirs = new List<string> { "" };
        var files = new List<string>();
        var used = new HashSet<string>(StringComparer.Ordinal);
        string Name()
        {
            int k = r.Next(10);
            if (k == 0)
                return string.Concat(Enumerable.Range(0, r.Next(1, 12)).Select(_ => UnicodeParts[r.Next(UnicodeParts.Length)]));
            if (k == 1)
                return new string('n', r.Next(101, 240));
            return "f" + r.Next(100000).ToString(CultureInfo.InvariantCulture);
        }
        string Under(string dir, string name) => dir.Length == 0 ? name : dir + "/" + name;
        long Time() => r.Next(3) switch { 0 => 0, 1 => 1700000000, _ => r.NextInt64(0, 1L << 33) };
        int Mode() => new[] { 420, 493, 384, 2541, 1023 }[r.Next(5)];

        int count = r.Next(20, 80);
        for (int i = 0; i < count; i++)
        {
            string dir = dirs[r.Next(dirs.Count)];
            string name = Under(dir, Name());
            if (!used.Add(name))
                continue;
            var pax = new Dictionary<string, string>();
            if (r.Next(4) == 0)
                pax["SCHILY.xattr.user.k" + r.Next(3).ToString(CultureInfo.InvariantCulture)] = new string('v', r.Next(0, 60));
            if (r.Next(8) == 0)
                for (int j = 0; j < r.Next(3, 14); j++)
                    pax["SCHILY.xattr.user.big" + j.ToString(CultureInfo.InvariantCulture)] = new string('z', r.Next(1, 250));
            if (r.Next(6) == 0)
                pax["mtime"] = r.Next(0, int.MaxValue).ToString(CultureInfo.InvariantCulture) + "." + r.Next(0, 999999999).ToString(CultureInfo.InvariantCulture);
            bool gnu = r.Next(3) == 0;
            switch (r.Next(12))
            {
                case 0 or 1:
                    tar.Add(Dir, name, mode: Mode(), uid: r.Next(3) * 1000, mtime: Time(), pax: pax, gnuLongName: gnu);
                    dirs.Add(name);
                    break;
                case 2 or 3 or 4:
                    int size = new[] { 0, 1, 100, 4095, 4096, 4097, r.Next(0, 300_000) }[r.Next(7)];
                    tar.Add(Reg, name, Bytes(r, size), mode: Mode(), uid: r.Next(2) * 70000, gid: r.Next(2) * 1000, mtime: Time(), pax: pax, gnuLongName: gnu);
                    files.Add(name);
                    break;
                case 5:
                    string target = r.Next(2) == 0 ? "../t" : new string('l', r.Next(60, 300));
                    tar.Add(Sym, name, linkname: target, mtime: Time(), pax: pax);
                    break;
                case 6 when files.Count > 0:
                    tar.Add(Hard, name, linkname: files[r.Next(files.Count)]);
                    break;
                case 7:
                    tar.Add(Reg, Under(dir, ".wh." + Name()), mtime: Time());
                    break;
                case 8:
                    tar.Add(Reg, Under(dir, ".wh..wh..opq"));
                    break;
                case 9:
                    tar.Add(new[] { Chr, Blk, Fifo }[r.Next(3)], name, mode: Mode(), devMajor: r.Next(300), devMinor: r.Next(70000), mtime: Time());
                    break;
                case 10:
                    string deep = name;
                    for (int j = r.Next(5, 25); j > 0; j--)
                        deep += "/d" + j.ToString(CultureInfo.InvariantCulture);
                    tar.Add(Reg, deep, "hello"u8.ToArray(), mtime: Time());
                    break;
                default:
                    string crowded = Under(dir, "crowd");
                    if (!used.Add(crowded))
                        break;
                    for (int j = 0; j < r.Next(150, 400); j++)
                        tar.Add(Reg, crowded + "/entry-with-a-longer-name-" + j.ToString(CultureInfo.InvariantCulture), Bytes(r, r.Next(0, 10)));
                    break;
            }
        }
        if (largeFileBytes > 0)
            tar.Add(Reg, "large/file", LargeBytes(seed, largeFileBytes), mtime: 1700000000);
        tar.Finish();
    }

    private static byte[] Bytes(Random r, int size)
    {
        var b = new byte[size];
        r.NextBytes(b);
        return b;
    }

    private static byte[] LargeBytes(int seed, long size)
    {
        var b = new byte[size];
        var pattern = new byte[1 << 16];
        new Random(seed).NextBytes(pattern);
        for (long i = 0; i < size; i += pattern.Length)
        {
            pattern[0] = (byte)(i >> 16);
            pattern.AsSpan(0, (int)Math.Min(pattern.Length, size - i)).CopyTo(b.AsSpan((int)i));
        }
        return b;
    }
}
