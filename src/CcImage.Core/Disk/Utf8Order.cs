// Orders file names by the bytes of their UTF-8 encoding, the order `tar --sort=name` and C's strcmp give; .NET's
// ordinal comparison orders UTF-16 code units, which differs for characters above U+FFFF.
using System.Text;

namespace CcImage.Core.Disk;

public sealed class Utf8Order : IComparer<string>
{
    public static readonly Utf8Order Instance = new();

    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
            return 0;
        if (x == null)
            return -1;
        if (y == null)
            return 1;
        return Encoding.UTF8.GetBytes(x).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(y));
    }
}
