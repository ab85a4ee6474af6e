// Reads a container layer tar the way Go's archive/tar Reader does (Go 1.23, reader.go, strconv.go, format.go), so
// that a layer converts to the same ext4 bytes as hcsshim's tar2ext4, which is built on it: ustar, pax (records,
// times with fractions, SCHILY.xattr, GNU sparse 0.0/0.1/1.0), GNU (long names, atime/ctime, old sparse maps),
// star and v7 headers; the end is two zero blocks or a clean end of stream; a global pax header is returned as an
// entry of its own, as Go returns it.
// Spec: POSIX.1-2001 pax interchange format (IEEE 1003.1, "pax"); GNU tar manual, "Basic Tar Format" and "Sparse Formats".
using System.Globalization;
using System.Text;

namespace CcImage.Core.LayerTar;

public sealed class LayerTarReader
{
    internal const int BlockSize = 512;
    private const int MaxSpecialFileSize = 1 << 20;
    private const string PaxSchilyXattr = "SCHILY.xattr.";
    private const string GnuSparseNumBlocks = "GNU.sparse.numblocks";
    private const string GnuSparseOffset = "GNU.sparse.offset";
    private const string GnuSparseNumBytes = "GNU.sparse.numbytes";
    private const string GnuSparseMap = "GNU.sparse.map";
    private const string GnuSparseName = "GNU.sparse.name";
    private const string GnuSparseMajor = "GNU.sparse.major";
    private const string GnuSparseMinor = "GNU.sparse.minor";
    private const string GnuSparseSize = "GNU.sparse.size";
    private const string GnuSparseRealSize = "GNU.sparse.realsize";

    // Header field offsets and lengths (format.go: headerV7, headerUSTAR, headerGNU, headerSTAR).
    private const int NameOffset = 0, NameLength = 100;
    private const int ModeOffset = 100, UidOffset = 108, GidOffset = 116, SmallNumericLength = 8;
    private const int SizeOffset = 124, ModTimeOffset = 136, LargeNumericLength = 12;
    private const int ChecksumOffset = 148, ChecksumLength = 8;
    private const int TypeflagOffset = 156;
    private const int LinknameOffset = 157;
    private const int MagicOffset = 257, MagicLength = 6, VersionOffset = 263, VersionLength = 2;
    private const int DevMajorOffset = 329, DevMinorOffset = 337;
    private const int UstarPrefixOffset = 345, UstarPrefixLength = 155;
    private const int StarPrefixLength = 131, StarAccessTimeOffset = 476, StarChangeTimeOffset = 488;
    private const int StarTrailerOffset = 508, StarTrailerLength = 4;
    private const int GnuAccessTimeOffset = 345, GnuChangeTimeOffset = 357;
    private const int GnuSparseOffsetInHeader = 386, GnuSparseEntries = 4, GnuRealSizeOffset = 483;
    private const int SparseEntryLength = 24, SparseFieldLength = 12;
    private const int NanosecondDigits = 9;

    [Flags]
    private enum TarFormat
    {
        Unknown = 0,
        V7 = 1,
        Ustar = 2,
        Pax = 4,
        Gnu = 8,
        Star = 16,
    }

    private readonly TarInput _input;
    private readonly byte[] _block = new byte[BlockSize];
    private IEntryData _current;
    private long _pad;
    private Exception? _error;

    public LayerTarReader(Stream stream)
    {
        _input = new TarInput(stream);
        _current = new RegularData(_input, 0);
    }

    /// <summary>
    /// True once the archive ended with an end-of-archive (zero) block. Go's reader also accepts a stream that simply
    /// stops after an entry (even inside its padding); callers that want to reject truncated layers check this.
    /// </summary>
    public bool SawEndMarker { get; private set; }

    /// <summary>True when the stream held no bytes at all.</summary>
    public bool WasEmpty { get; private set; }

    private bool _readAny;

    /// <summary>The next entry, or null at the end of the archive. Throws <see cref="TarFormatException"/> as Go's reader fails.</summary>
    public TarHeader? Next()
    {
        if (_error is not null)
            throw _error;
        try
        {
            return NextCore();
        }
        catch (TarFormatException e)
        {
            _error = e;
            throw;
        }
    }

    /// <summary>Reads the current entry's data; 0 at its end.</summary>
    public int Read(Span<byte> destination)
    {
        if (_error is not null)
            throw _error;
        try
        {
            return _current.Read(destination);
        }
        catch (TarFormatException e)
        {
            _error = e;
            throw;
        }
    }

    private TarHeader? NextCore()
    {
        Dictionary<string, string>? paxHeaders = null;
        string gnuLongName = "", gnuLongLink = "";
        while (true)
        {
            long remaining = _current.PhysicalRemaining;
            if (_input.Skip(remaining) < remaining)
                throw Unexpected();
            if (_input.ReadFull(_block.AsSpan(0, (int)_pad)) < _pad)
                return null; // Go's tryReadFull: an end inside the padding reads as the end of the archive
            _pad = 0;

            var (header, rawFormat) = ReadHeader();
            if (header is null)
                return null;
            HandleRegularFile(header);

            switch (header.Typeflag)
            {
                case TarTypeflag.XHeader:
                case TarTypeflag.XGlobalHeader:
                    paxHeaders = ParsePax();
                    if (header.Typeflag == TarTypeflag.XGlobalHeader)
                    {
                        MergePax(header, paxHeaders);
                        return new TarHeader
                        {
                            Name = header.Name,
                            Typeflag = header.Typeflag,
                            PaxRecords = header.PaxRecords,
                        };
                    }
                    continue;
                case TarTypeflag.GnuLongName:
                case TarTypeflag.GnuLongLink:
                    byte[] realName = ReadSpecialFile();
                    string value = CString(realName);
                    if (header.Typeflag == TarTypeflag.GnuLongName)
                        gnuLongName = value;
                    else
                        gnuLongLink = value;
                    continue;
                default:
                    MergePax(header, paxHeaders);
                    if (gnuLongName.Length != 0)
                        header.Name = gnuLongName;
                    if (gnuLongLink.Length != 0)
                        header.Linkname = gnuLongLink;
                    if (header.Typeflag == TarTypeflag.RegA)
                        header.Typeflag = header.Name.EndsWith('/') ? TarTypeflag.Dir : TarTypeflag.Reg;
                    HandleRegularFile(header);
                    HandleSparseFile(header, rawFormat);
                    return header;
            }
        }
    }

    private void HandleRegularFile(TarHeader header)
    {
        long nb = TarTypeflag.IsHeaderOnly(header.Typeflag) ? 0 : header.Size;
        if (nb < 0)
            throw InvalidHeader();
        _pad = -nb & (BlockSize - 1);
        _current = new RegularData(_input, nb);
    }

    private (TarHeader? Header, TarFormat Format) ReadHeader()
    {
        int n = _input.ReadFull(_block);
        if (n == 0)
        {
            WasEmpty = !_readAny;
            return (null, TarFormat.Unknown);
        }
        _readAny = true;
        if (n < BlockSize)
            throw Unexpected();
        if (IsZero(_block))
        {
            SawEndMarker = true;
            n = _input.ReadFull(_block);
            if (n == 0)
                return (null, TarFormat.Unknown);
            if (n < BlockSize)
                throw Unexpected();
            if (IsZero(_block))
                return (null, TarFormat.Unknown);
            throw InvalidHeader();
        }

        var format = GetFormat(_block);
        if (format == TarFormat.Unknown)
            throw InvalidHeader();

        var p = new NumericParser();
        var header = new TarHeader
        {
            Typeflag = _block[TypeflagOffset],
            Name = CString(_block.AsSpan(NameOffset, NameLength)),
            Linkname = CString(_block.AsSpan(LinknameOffset, NameLength)),
            Size = p.ParseNumeric(_block.AsSpan(SizeOffset, LargeNumericLength)),
            Mode = p.ParseNumeric(_block.AsSpan(ModeOffset, SmallNumericLength)),
            // Go keeps uid/gid in an int (64-bit on amd64), so nothing is truncated here.
            Uid = p.ParseNumeric(_block.AsSpan(UidOffset, SmallNumericLength)),
            Gid = p.ParseNumeric(_block.AsSpan(GidOffset, SmallNumericLength)),
        };
        header.ModTime = GoTime.Unix(p.ParseNumeric(_block.AsSpan(ModTimeOffset, LargeNumericLength)), 0);

        if (format > TarFormat.V7)
        {
            header.Devmajor = p.ParseNumeric(_block.AsSpan(DevMajorOffset, SmallNumericLength));
            header.Devminor = p.ParseNumeric(_block.AsSpan(DevMinorOffset, SmallNumericLength));
            string prefix = "";
            if ((format & (TarFormat.Ustar | TarFormat.Pax)) != 0)
            {
                prefix = CString(_block.AsSpan(UstarPrefixOffset, UstarPrefixLength));
            }
            else if ((format & TarFormat.Star) != 0)
            {
                prefix = CString(_block.AsSpan(UstarPrefixOffset, StarPrefixLength));
                header.AccessTime = GoTime.Unix(p.ParseNumeric(_block.AsSpan(StarAccessTimeOffset, LargeNumericLength)), 0);
                header.ChangeTime = GoTime.Unix(p.ParseNumeric(_block.AsSpan(StarChangeTimeOffset, LargeNumericLength)), 0);
            }
            else if ((format & TarFormat.Gnu) != 0)
            {
                var p2 = new NumericParser();
                if (_block[GnuAccessTimeOffset] != 0)
                    header.AccessTime = GoTime.Unix(p2.ParseNumeric(_block.AsSpan(GnuAccessTimeOffset, LargeNumericLength)), 0);
                if (_block[GnuChangeTimeOffset] != 0)
                    header.ChangeTime = GoTime.Unix(p2.ParseNumeric(_block.AsSpan(GnuChangeTimeOffset, LargeNumericLength)), 0);
                if (p2.Failed)
                {
                    header.AccessTime = GoTime.Zero;
                    header.ChangeTime = GoTime.Zero;
                    string s = CString(_block.AsSpan(UstarPrefixOffset, UstarPrefixLength));
                    if (IsAscii(s))
                        prefix = s;
                }
            }
            if (prefix.Length > 0)
                header.Name = prefix + "/" + header.Name;
        }
        if (p.Failed)
            throw InvalidHeader();
        return (header, format);
    }

    private static TarFormat GetFormat(byte[] block)
    {
        var p = new NumericParser();
        long value = p.ParseOctal(block.AsSpan(ChecksumOffset, ChecksumLength));
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BlockSize; i++)
        {
            byte c = i is >= ChecksumOffset and < ChecksumOffset + ChecksumLength ? (byte)' ' : block[i];
            unsigned += c;
            signed += (sbyte)c;
        }
        if (p.Failed || (value != unsigned && value != signed))
            return TarFormat.Unknown;

        var magic = block.AsSpan(MagicOffset, MagicLength);
        var version = block.AsSpan(VersionOffset, VersionLength);
        var trailer = block.AsSpan(StarTrailerOffset, StarTrailerLength);
        if (magic.SequenceEqual("ustar\0"u8) && trailer.SequenceEqual("tar\0"u8))
            return TarFormat.Star;
        if (magic.SequenceEqual("ustar\0"u8))
            return TarFormat.Ustar | TarFormat.Pax;
        if (magic.SequenceEqual("ustar "u8) && version.SequenceEqual(" \0"u8))
            return TarFormat.Gnu;
        return TarFormat.V7;
    }

    private Dictionary<string, string> ParsePax()
    {
        string s = Encoding.Latin1.GetString(ReadSpecialFile());
        var sparseMap = new List<string>();
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        while (s.Length > 0)
        {
            var (key, value, rest) = ParsePaxRecord(s);
            s = rest;
            if (key is GnuSparseOffset or GnuSparseNumBytes)
            {
                if ((sparseMap.Count % 2 == 0 && key != GnuSparseOffset) ||
                    (sparseMap.Count % 2 == 1 && key != GnuSparseNumBytes) || value.Contains(','))
                    throw InvalidHeader();
                sparseMap.Add(value);
            }
            else
            {
                records[key] = value;
            }
        }
        if (sparseMap.Count > 0)
            records[GnuSparseMap] = string.Join(',', sparseMap);
        return records;
    }

    private static (string Key, string Value, string Remainder) ParsePaxRecord(string s)
    {
        int space = s.IndexOf(' ', StringComparison.Ordinal);
        if (space < 0)
            throw InvalidHeader();
        string nStr = s[..space];
        string rest = s[(space + 1)..];
        if (!GoParseInt(nStr, out long n) || n < 5 || n > s.Length)
            throw InvalidHeader();
        n -= nStr.Length + 1;
        if (n <= 0)
            throw InvalidHeader();
        string record = rest[..(int)(n - 1)];
        if (rest[(int)(n - 1)] != '\n')
            throw InvalidHeader();
        string remainder = rest[(int)n..];
        int eq = record.IndexOf('=', StringComparison.Ordinal);
        if (eq < 0)
            throw InvalidHeader();
        string key = record[..eq], value = record[(eq + 1)..];
        if (!ValidPaxRecord(key, value))
            throw InvalidHeader();
        return (key, value, remainder);
    }

    private static bool ValidPaxRecord(string key, string value)
    {
        if (key.Length == 0 || key.Contains('=', StringComparison.Ordinal))
            return false;
        return key switch
        {
            "path" or "linkpath" or "uname" or "gname" => !value.Contains('\0', StringComparison.Ordinal),
            _ => !key.Contains('\0', StringComparison.Ordinal),
        };
    }

    private static void MergePax(TarHeader header, Dictionary<string, string>? records)
    {
        if (records is null)
            return;
        foreach (var (k, v) in records)
        {
            if (v.Length == 0)
                continue;
            bool ok = true;
            switch (k)
            {
                case "path": header.Name = v; break;
                case "linkpath": header.Linkname = v; break;
                case "uname":
                case "gname": break;
                case "uid": ok = GoParseInt(v, out long uid); header.Uid = uid; break;
                case "gid": ok = GoParseInt(v, out long gid); header.Gid = gid; break;
                case "atime": ok = TryParsePaxTime(v, out var at); header.AccessTime = at; break;
                case "mtime": ok = TryParsePaxTime(v, out var mt); header.ModTime = mt; break;
                case "ctime": ok = TryParsePaxTime(v, out var ct); header.ChangeTime = ct; break;
                case "size": ok = GoParseInt(v, out long size); header.Size = size; break;
            }
            if (!ok)
                throw InvalidHeader();
        }
        header.PaxRecords = records;
    }

    private static bool TryParsePaxTime(string s, out GoTime time)
    {
        time = GoTime.Zero;
        int dot = s.IndexOf('.', StringComparison.Ordinal);
        string ss = dot < 0 ? s : s[..dot];
        string sn = dot < 0 ? "" : s[(dot + 1)..];
        if (!GoParseInt(ss, out long secs))
            return false;
        if (sn.Length == 0)
        {
            time = GoTime.Unix(secs, 0);
            return true;
        }
        if (sn.Trim("0123456789".ToCharArray()).Length != 0)
            return false;
        sn = sn.Length < NanosecondDigits ? sn.PadRight(NanosecondDigits, '0') : sn[..NanosecondDigits];
        long nsecs = long.Parse(sn, NumberStyles.None, CultureInfo.InvariantCulture);
        time = ss.Length > 0 && ss[0] == '-' ? GoTime.Unix(secs, -nsecs) : GoTime.Unix(secs, nsecs);
        return true;
    }

    /// <summary>Go's strconv.ParseInt(s, 10, 64): optional sign, decimal digits (underscores are not allowed in base 10).</summary>
    internal static bool GoParseInt(string s, out long value)
    {
        value = 0;
        if (s.Length == 0)
            return false;
        bool negative = false;
        int i = 0;
        if (s[0] is '+' or '-')
        {
            negative = s[0] == '-';
            i = 1;
            if (s.Length == 1)
                return false;
        }
        ulong magnitude = 0;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c is < '0' or > '9')
                return false;
            ulong next = magnitude * 10 + (ulong)(c - '0');
            if (magnitude > ulong.MaxValue / 10 || next < magnitude)
                return false;
            magnitude = next;
        }
        if (negative)
        {
            if (magnitude > (ulong)long.MaxValue + 1)
                return false;
            value = (long)(0 - magnitude);
            return true;
        }
        if (magnitude > long.MaxValue)
            return false;
        value = (long)magnitude;
        return true;
    }

    private byte[] ReadSpecialFile()
    {
        var buffer = new MemoryStream();
        var chunk = new byte[BlockSize * 8];
        while (true)
        {
            int n = _current.Read(chunk);
            if (n == 0)
                break;
            buffer.Write(chunk, 0, n);
            if (buffer.Length > MaxSpecialFileSize)
                throw new TarFormatException("archive/tar: header field too long");
        }
        return buffer.ToArray();
    }

    private void HandleSparseFile(TarHeader header, TarFormat rawFormat)
    {
        List<(long Offset, long Length)>? map;
        if (header.Typeflag == TarTypeflag.GnuSparse)
            map = ReadOldGnuSparseMap(header, rawFormat);
        else
            map = ReadGnuSparsePaxHeaders(header);
        if (map is null)
            return;
        if (TarTypeflag.IsHeaderOnly(header.Typeflag) || !ValidateSparseEntries(map, header.Size))
            throw InvalidHeader();
        _current = new SparseData(_current, InvertSparseEntries(map, header.Size));
    }

    private List<(long, long)>? ReadGnuSparsePaxHeaders(TarHeader header)
    {
        var records = header.PaxRecords;
        records.TryGetValue(GnuSparseMajor, out string? major);
        records.TryGetValue(GnuSparseMinor, out string? minor);
        major ??= "";
        minor ??= "";
        bool is1x0;
        if (major == "0" && minor is "0" or "1")
            is1x0 = false;
        else if (major == "1" && minor == "0")
            is1x0 = true;
        else if (major.Length != 0 || minor.Length != 0)
            return null;
        else if (records.TryGetValue(GnuSparseMap, out string? m) && m.Length != 0)
            is1x0 = false;
        else
            return null;

        if (records.TryGetValue(GnuSparseName, out string? name) && name.Length != 0)
            header.Name = name;
        if (!records.TryGetValue(GnuSparseSize, out string? size) || size.Length == 0)
            records.TryGetValue(GnuSparseRealSize, out size);
        if (!string.IsNullOrEmpty(size))
        {
            if (!GoParseInt(size, out long n))
                throw InvalidHeader();
            header.Size = n;
        }
        return is1x0 ? ReadGnuSparseMap1x0() : ReadGnuSparseMap0x1(records);
    }

    private List<(long, long)> ReadGnuSparseMap1x0()
    {
        var buffered = new List<byte>();
        long newlines = 0;
        int cursor = 0;
        var blk = new byte[BlockSize];
        void Feed(long needed)
        {
            while (newlines < needed)
            {
                if (ReadFullFromCurrent(blk) < BlockSize)
                    throw Unexpected();
                buffered.AddRange(blk);
                foreach (byte c in blk)
                    if (c == '\n')
                        newlines++;
            }
        }
        string NextToken()
        {
            newlines--;
            int end = buffered.IndexOf((byte)'\n', cursor);
            int stop = end < 0 ? buffered.Count : end;
            string token = Encoding.Latin1.GetString(buffered.GetRange(cursor, stop - cursor).ToArray());
            cursor = end < 0 ? buffered.Count : end + 1;
            return token;
        }

        Feed(1);
        if (!GoParseInt(NextToken(), out long count) || count < 0 || 2 * count < count)
            throw InvalidHeader();
        Feed(2 * count);
        var map = new List<(long, long)>();
        for (long i = 0; i < count; i++)
        {
            bool ok1 = GoParseInt(NextToken(), out long offset);
            bool ok2 = GoParseInt(NextToken(), out long length);
            if (!ok1 || !ok2)
                throw InvalidHeader();
            map.Add((offset, length));
        }
        return map;
    }

    private int ReadFullFromCurrent(Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            int n = _current.Read(destination[total..]);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }

    private static List<(long, long)> ReadGnuSparseMap0x1(IReadOnlyDictionary<string, string> records)
    {
        records.TryGetValue(GnuSparseNumBlocks, out string? countText);
        if (!GoParseInt(countText ?? "", out long count) || count < 0 || 2 * count < count)
            throw InvalidHeader();
        records.TryGetValue(GnuSparseMap, out string? mapText);
        var parts = (mapText ?? "").Split(',').ToList();
        if (parts.Count == 1 && parts[0].Length == 0)
            parts.Clear();
        if (parts.Count != 2 * count)
            throw InvalidHeader();
        var map = new List<(long, long)>();
        for (int i = 0; i + 1 < parts.Count; i += 2)
        {
            bool ok1 = GoParseInt(parts[i], out long offset);
            bool ok2 = GoParseInt(parts[i + 1], out long length);
            if (!ok1 || !ok2)
                throw InvalidHeader();
            map.Add((offset, length));
        }
        return map;
    }

    private List<(long, long)> ReadOldGnuSparseMap(TarHeader header, TarFormat rawFormat)
    {
        if (rawFormat != TarFormat.Gnu)
            throw InvalidHeader();
        var p = new NumericParser();
        header.Size = p.ParseNumeric(_block.AsSpan(GnuRealSizeOffset, LargeNumericLength));
        if (p.Failed)
            throw InvalidHeader();
        var map = new List<(long, long)>();
        byte[] blk = (byte[])_block.Clone();
        int arrayOffset = GnuSparseOffsetInHeader;
        int entries = GnuSparseEntries;
        while (true)
        {
            for (int i = 0; i < entries; i++)
            {
                int at = arrayOffset + i * SparseEntryLength;
                if (blk[at] == 0)
                    break;
                long offset = p.ParseNumeric(blk.AsSpan(at, SparseFieldLength));
                long length = p.ParseNumeric(blk.AsSpan(at + SparseFieldLength, SparseFieldLength));
                if (p.Failed)
                    throw InvalidHeader();
                map.Add((offset, length));
            }
            if (blk[arrayOffset + entries * SparseEntryLength] > 0)
            {
                if (_input.ReadFull(blk) < BlockSize)
                    throw Unexpected();
                arrayOffset = 0;
                entries = BlockSize / SparseEntryLength;
                continue;
            }
            return map;
        }
    }

    private static bool ValidateSparseEntries(List<(long Offset, long Length)> map, long size)
    {
        if (size < 0)
            return false;
        (long Offset, long Length) previous = (0, 0);
        foreach (var current in map)
        {
            if (current.Offset < 0 || current.Length < 0)
                return false;
            if (current.Offset > long.MaxValue - current.Length)
                return false;
            if (current.Offset + current.Length > size)
                return false;
            if (previous.Offset + previous.Length > current.Offset)
                return false;
            previous = current;
        }
        return true;
    }

    private static List<(long Offset, long Length)> InvertSparseEntries(List<(long Offset, long Length)> map, long size)
    {
        var holes = new List<(long Offset, long Length)>();
        long preOffset = 0;
        foreach (var current in map)
        {
            if (current.Length == 0)
                continue;
            long preLength = current.Offset - preOffset;
            if (preLength > 0)
                holes.Add((preOffset, preLength));
            preOffset = current.Offset + current.Length;
        }
        holes.Add((preOffset, size - preOffset));
        return holes;
    }

    internal static string CString(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        return Encoding.Latin1.GetString(nul >= 0 ? field[..nul] : field);
    }

    private static bool IsAscii(string s)
    {
        foreach (char c in s)
            if (c >= 0x80 || c == 0)
                return false;
        return true;
    }

    private static bool IsZero(ReadOnlySpan<byte> block) => !block.ContainsAnyExcept((byte)0);

    internal static TarFormatException InvalidHeader() => new("archive/tar: invalid tar header");

    internal static TarFormatException Unexpected() => new("unexpected EOF");

    /// <summary>Go's tar numeric field parser: base-256 when the top bit is set, else octal trimmed of spaces and NULs.</summary>
    private sealed class NumericParser
    {
        public bool Failed { get; private set; }

        public long ParseNumeric(ReadOnlySpan<byte> b)
        {
            if (b.Length > 0 && (b[0] & 0x80) != 0)
            {
                byte inv = (b[0] & 0x40) != 0 ? (byte)0xff : (byte)0;
                ulong x = 0;
                for (int i = 0; i < b.Length; i++)
                {
                    byte c = (byte)(b[i] ^ inv);
                    if (i == 0)
                        c &= 0x7f;
                    if ((x >> 56) > 0)
                    {
                        Failed = true;
                        return 0;
                    }
                    x = x << 8 | c;
                }
                if ((x >> 63) > 0)
                {
                    Failed = true;
                    return 0;
                }
                return inv == 0xff ? ~(long)x : (long)x;
            }
            return ParseOctal(b);
        }

        public long ParseOctal(ReadOnlySpan<byte> b)
        {
            int start = 0, end = b.Length;
            while (start < end && b[start] is (byte)' ' or 0)
                start++;
            while (end > start && b[end - 1] is (byte)' ' or 0)
                end--;
            var trimmed = b[start..end];
            if (trimmed.IsEmpty)
                return 0;
            int nul = trimmed.IndexOf((byte)0);
            if (nul >= 0)
                trimmed = trimmed[..nul];
            // strconv.ParseUint(s, 8, 64): digits 0-7 only (an underscore is allowed only with a base prefix).
            ulong x = 0;
            if (trimmed.IsEmpty)
            {
                Failed = true;
                return 0;
            }
            foreach (byte c in trimmed)
            {
                if (c is < (byte)'0' or > (byte)'7' || (x >> 61) != 0)
                {
                    Failed = true;
                    return c is >= (byte)'0' and <= (byte)'7' ? -1 : 0;
                }
                x = x << 3 | (uint)(c - '0');
            }
            return (long)x;
        }
    }
}
