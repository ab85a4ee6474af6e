// A segment register in the VMSA (AMD APM Vol. 2, Table B-4; struct vmcb_seg in Linux): selector, attrib, limit, base.
using System.Buffers.Binary;

namespace CcImage.Core.Snp;

public readonly record struct VmcbSeg(ushort Selector, ushort Attrib, uint Limit, ulong Base)
{
    public const int EncodedSize = 16;

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(destination, Selector);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], Attrib);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[4..], Limit);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], Base);
    }
}
