// Where a compact ext4 image goes: a file, or a hasher that keeps only the dm-verity hash of each block. The writer
// writes mostly in order; it goes back only to rewrite whole, block-aligned blocks (xattr blocks, descriptors, super block).
namespace CcImage.Core.CompactExt4;

internal interface IExt4Sink
{
    void Write(long position, ReadOnlySpan<byte> data);

    void WriteZeros(long position, long count);

    /// <summary>Called once the image is complete and <paramref name="length"/> bytes long.</summary>
    void Complete(long length);
}
