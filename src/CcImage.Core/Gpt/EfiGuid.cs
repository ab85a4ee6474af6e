// EFI_GUID on disk (UEFI 2.10 Appendix A "GUID and Time Formats"): TimeLow, TimeMid and TimeHighAndVersion are stored
// little-endian, ClockSeq and Node as written in the text form. System.Guid's little-endian byte layout
// (Guid.TryWriteBytes with bigEndian: false) is exactly this mixed-endian layout; this class is the one place that relies on it.
namespace CcImage.Core.Gpt;

public static class EfiGuid
{
    /// <summary>The size of an EFI_GUID in bytes.</summary>
    public const int Size = 16;

    /// <summary>Writes <paramref name="value"/> in EFI_GUID byte order.</summary>
    public static void Write(Guid value, Span<byte> destination)
    {
        if (!value.TryWriteBytes(destination[..Size], bigEndian: false, out _))
            throw new ArgumentException("The destination is shorter than a GUID.", nameof(destination));
    }

    /// <summary>Reads an EFI_GUID.</summary>
    public static Guid Read(ReadOnlySpan<byte> source) => new(source[..Size], bigEndian: false);
}
