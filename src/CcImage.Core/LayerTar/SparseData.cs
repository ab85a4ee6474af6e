// The logical data of a sparse tar entry (Go's sparseFileReader): data fragments come from the archive, holes read as
// zeros; a map that promises more data than the archive holds, or less, is an error.
namespace CcImage.Core.LayerTar;

internal sealed class SparseData(IEntryData physical, List<(long Offset, long Length)> holes) : IEntryData
{
    private int _hole;
    private long _position;

    public long PhysicalRemaining => physical.PhysicalRemaining;

    private long LogicalRemaining => holes[^1].Offset + holes[^1].Length - _position;

    public int Read(Span<byte> destination)
    {
        bool finished = destination.Length >= LogicalRemaining;
        if (finished)
            destination = destination[..(int)LogicalRemaining];
        int done = 0;
        while (done < destination.Length)
        {
            var (holeStart, holeLength) = holes[_hole];
            long holeEnd = holeStart + holeLength;
            int n;
            if (_position < holeStart)
            {
                var part = destination.Slice(done, (int)Math.Min(destination.Length - done, holeStart - _position));
                n = ReadFull(part);
                if (n < part.Length)
                    throw new TarFormatException("archive/tar: sparse file references non-existent data");
            }
            else
            {
                var part = destination.Slice(done, (int)Math.Min(destination.Length - done, holeEnd - _position));
                part.Clear();
                n = part.Length;
            }
            done += n;
            _position += n;
            if (_position >= holeEnd && _hole < holes.Count - 1)
                _hole++;
        }
        if (LogicalRemaining == 0 && PhysicalRemaining > 0)
            throw new TarFormatException("archive/tar: sparse file contains unreferenced data");
        return done;
    }

    private int ReadFull(Span<byte> part)
    {
        int total = 0;
        while (total < part.Length)
        {
            int n = physical.Read(part[total..]);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
