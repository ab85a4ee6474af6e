// The data of the current tar entry: its logical bytes (holes of a sparse file read as zeros) and how much of the
// archive it still occupies.
namespace CcImage.Core.LayerTar;

internal interface IEntryData
{
    /// <summary>Bytes of the entry still in the archive (what Next must skip).</summary>
    long PhysicalRemaining { get; }

    /// <summary>Reads logical data; 0 at the end of the entry. Throws on a truncated archive.</summary>
    int Read(Span<byte> destination);
}
