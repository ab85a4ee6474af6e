// The mutation engine: from a corpus entry, a new input by stacking a few byte-level mutations (bit flips, random and
// "interesting" bytes and integers in both byte orders, small arithmetic, block copies, zeroed or 0xFF blocks,
// truncation, extension and splicing with another entry), mostly inside the target's focus ranges. Deterministic
// for a given seed, so a run can be repeated.
using System.Buffers.Binary;

namespace CcImage.Fuzz;

internal sealed class MutationEngine(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly long[] Interesting =
    [
        0, 1, 2, 7, 8, 9, 16, 31, 32, 33, 63, 64, 127, 128, 255, 256, 511, 512, 513, 1023, 1024, 4095, 4096, 4097,
        65535, 65536, 1L << 20, (1L << 31) - 1, 1L << 31, (1L << 32) - 1, 1L << 32, 1L << 40, 1L << 44, 1L << 55, 1L << 56,
        (1L << 62), long.MaxValue, -1, -2, int.MinValue, long.MinValue,
    ];

    public byte[] Mutate(byte[] input, IReadOnlyList<(int Start, int Length)> focus, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(input);
        int steps = 1 + (int)Math.Min(7, -Math.Log(1 - _random.NextDouble()) * 1.5);
        for (int s = 0; s < steps; s++)
        {
            if (data.Count == 0)
            {
                data.AddRange(Bytes(1 + _random.Next(64)));
                continue;
            }
            var (start, length) = PickRange(data.Count, focus);
            int at = start + _random.Next(Math.Max(1, length));
            at = Math.Min(at, data.Count - 1);
            switch (_random.Next(14))
            {
                case 0:
                case 1:
                    data[at] ^= (byte)(1 << _random.Next(8));
                    break;
                case 2:
                    data[at] = (byte)_random.Next(256);
                    break;
                case 3:
                case 4:
                case 5:
                    WriteInteger(data, at, Interesting[_random.Next(Interesting.Length)]);
                    break;
                case 6:
                case 7:
                    AddDelta(data, at);
                    break;
                case 8:
                    CopyBlock(data, at);
                    break;
                case 9:
                    Fill(data, at, 0);
                    break;
                case 10:
                    Fill(data, at, 0xFF);
                    break;
                case 11:
                    if (_random.Next(4) == 0)
                        data.RemoveRange(at, data.Count - at); // truncate
                    else
                        data.AddRange(_random.Next(2) == 0 ? new byte[1 + _random.Next(4096)] : Bytes(1 + _random.Next(512)));
                    break;
                case 12:
                    if (corpus.Count > 0)
                    {
                        var other = corpus[_random.Next(corpus.Count)];
                        if (other.Length > 0)
                        {
                            int from = _random.Next(other.Length);
                            int n = Math.Min(1 + _random.Next(256), Math.Min(other.Length - from, data.Count - at));
                            for (int i = 0; i < n; i++)
                                data[at + i] = other[from + i];
                        }
                    }
                    break;
                default:
                    data[at] = (byte)(data[at] + _random.Next(-3, 4));
                    break;
            }
        }
        return data.ToArray();
    }

    private (int Start, int Length) PickRange(int size, IReadOnlyList<(int Start, int Length)> focus)
    {
        var usable = focus.Where(f => f.Start < size && f.Length > 0).ToList();
        if (usable.Count == 0 || _random.Next(10) < 2)
            return (0, size);
        var (start, length) = usable[_random.Next(usable.Count)];
        return (start, Math.Min(length, size - start));
    }

    private void WriteInteger(List<byte> data, int at, long value)
    {
        int width = 1 << _random.Next(4); // 1, 2, 4 or 8 bytes
        Span<byte> bytes = stackalloc byte[8];
        if (_random.Next(2) == 0)
            BinaryPrimitives.WriteInt64LittleEndian(bytes, value);
        else
        {
            BinaryPrimitives.WriteInt64BigEndian(bytes, value);
            bytes = bytes[(8 - width)..];
        }
        for (int i = 0; i < width && at + i < data.Count; i++)
            data[at + i] = bytes[i];
    }

    private void AddDelta(List<byte> data, int at)
    {
        int width = _random.Next(2) == 0 ? 4 : 8;
        if (at + width > data.Count)
            return;
        Span<byte> bytes = stackalloc byte[8];
        for (int i = 0; i < width; i++)
            bytes[i] = data[at + i];
        bool big = _random.Next(2) == 0;
        long delta = _random.Next(-64, 65) * (_random.Next(3) == 0 ? 512 : 1);
        if (width == 4)
        {
            uint v = big ? BinaryPrimitives.ReadUInt32BigEndian(bytes) : BinaryPrimitives.ReadUInt32LittleEndian(bytes);
            v = unchecked(v + (uint)delta);
            if (big) BinaryPrimitives.WriteUInt32BigEndian(bytes, v); else BinaryPrimitives.WriteUInt32LittleEndian(bytes, v);
        }
        else
        {
            ulong v = big ? BinaryPrimitives.ReadUInt64BigEndian(bytes) : BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            v = unchecked(v + (ulong)delta);
            if (big) BinaryPrimitives.WriteUInt64BigEndian(bytes, v); else BinaryPrimitives.WriteUInt64LittleEndian(bytes, v);
        }
        for (int i = 0; i < width; i++)
            data[at + i] = bytes[i];
    }

    private void CopyBlock(List<byte> data, int at)
    {
        int from = _random.Next(data.Count);
        int n = Math.Min(1 + _random.Next(128), Math.Min(data.Count - from, data.Count - at));
        var block = data.GetRange(from, n);
        for (int i = 0; i < n; i++)
            data[at + i] = block[i];
    }

    private void Fill(List<byte> data, int at, byte value)
    {
        int n = Math.Min(1 + _random.Next(64), data.Count - at);
        for (int i = 0; i < n; i++)
            data[at + i] = value;
    }

    private byte[] Bytes(int n)
    {
        var b = new byte[n];
        _random.NextBytes(b);
        return b;
    }
}
