// The data of a plain tar entry: the next nb bytes of the archive (Go's regFileReader).
namespace CcImage.Core.LayerTar;

internal sealed class RegularData(TarInput input, long size) : IEntryData
{
    private long _remaining = size;

    public long PhysicalRemaining => _remaining;

    public int Read(Span<byte> destination)
    {
        if (destination.Length > _remaining)
            destination = destination[..(int)_remaining];
        if (destination.IsEmpty)
            return 0;
        int n = input.ReadSome(destination);
        if (n == 0)
            throw LayerTarReader.Unexpected();
        _remaining -= n;
        return n;
    }
}
