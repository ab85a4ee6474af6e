// One planned write to a disk's virtual bytes: where, and the bytes. Planned changes (GptResize.Plan) are lists of
// these, so a caller can check every target range before the first write.
namespace CcImage.Core.Disk;

public sealed record DiskWrite(long Offset, byte[] Bytes)
{
    public long End => Offset + Bytes.Length;
}
