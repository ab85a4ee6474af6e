// The byte source under LayerTarReader: a large read buffer over a stream, with Go io.ReadFull-style reads that
// report how many bytes arrived before the end, so the reader can tell a clean end from a truncated one.
namespace CcImage.Core.LayerTar;

internal sealed class TarInput(Stream stream)
{
    private const int BufferSize = 1 << 20;
    private readonly byte[] _buffer = new byte[BufferSize];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Reads up to <paramref name="destination"/>.Length bytes; fewer only at the end of the stream.</summary>
    public int ReadFull(Span<byte> destination)
    {
        int total = 0;
        while (total < destination.Length)
        {
            if (_start == _end && !Fill())
                break;
            int n = Math.Min(destination.Length - total, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(destination[total..]);
            _start += n;
            total += n;
        }
        return total;
    }

    /// <summary>Reads what is at hand (at least one byte unless at the end), at most <paramref name="destination"/>.Length.</summary>
    public int ReadSome(Span<byte> destination)
    {
        if (destination.IsEmpty)
            return 0;
        if (_start == _end && !Fill())
            return 0;
        int n = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        return n;
    }

    /// <summary>Skips up to <paramref name="count"/> bytes; returns how many were skipped.</summary>
    public long Skip(long count)
    {
        long skipped = 0;
        while (skipped < count)
        {
            if (_start == _end && !Fill())
                break;
            int n = (int)Math.Min(count - skipped, _end - _start);
            _start += n;
            skipped += n;
        }
        return skipped;
    }

    private bool Fill()
    {
        if (_eof)
            return false;
        _start = 0;
        _end = 0;
        while (_end == 0)
        {
            int n = stream.Read(_buffer, 0, _buffer.Length);
            if (n == 0)
            {
                _eof = true;
                return false;
            }
            _end = n;
        }
        return true;
    }
}
