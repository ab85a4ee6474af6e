// Byte-range selection with the clamping rules of a Python slice (negative indices count from the end, out-of-range
// bounds clamp), so that malformed firmware tables are read exactly as the reference implementation reads them.
namespace CcImage.Core.Snp;

internal static class PythonSlice
{
    /// <summary>The bytes <c>data[start:stop]</c> as Python selects them; null bounds mean "from the start"/"to the end".</summary>
    public static ReadOnlyMemory<byte> Of(ReadOnlyMemory<byte> data, long? start, long? stop)
    {
        long length = data.Length;
        long from = Clamp(start ?? 0, length);
        long to = Clamp(stop ?? length, length);
        return to <= from ? ReadOnlyMemory<byte>.Empty : data.Slice((int)from, (int)(to - from));
    }

    private static long Clamp(long index, long length)
    {
        if (index < 0)
            index += length;
        return Math.Clamp(index, 0, length);
    }
}
