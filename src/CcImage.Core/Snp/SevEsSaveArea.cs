// The VMSA page of one vCPU: the SEV-ES state save area (AMD APM Vol. 2, Appendix B, Table B-4; struct sev_es_save_area
// in Linux arch/x86/include/asm/svm.h). Only the fields a VMM sets at launch are modelled; all others are zero.
using System.Buffers.Binary;

namespace CcImage.Core.Snp;

public sealed class SevEsSaveArea
{
    // Offsets of the fields in the save area, in the order of Table B-4.
    public const int EsOffset = 0x000;
    public const int CsOffset = 0x010;
    public const int SsOffset = 0x020;
    public const int DsOffset = 0x030;
    public const int FsOffset = 0x040;
    public const int GsOffset = 0x050;
    public const int GdtrOffset = 0x060;
    public const int LdtrOffset = 0x070;
    public const int IdtrOffset = 0x080;
    public const int TrOffset = 0x090;
    public const int EferOffset = 0x0D0;
    public const int Cr4Offset = 0x148;
    public const int Cr0Offset = 0x158;
    public const int Dr7Offset = 0x160;
    public const int Dr6Offset = 0x168;
    public const int RflagsOffset = 0x170;
    public const int RipOffset = 0x178;
    public const int GPatOffset = 0x268;
    public const int RdxOffset = 0x310;
    public const int SevFeaturesOffset = 0x3B0;
    public const int Xcr0Offset = 0x3E8;
    public const int MxcsrOffset = 0x408;
    public const int X87FcwOffset = 0x410;

    public VmcbSeg Es { get; init; }
    public VmcbSeg Cs { get; init; }
    public VmcbSeg Ss { get; init; }
    public VmcbSeg Ds { get; init; }
    public VmcbSeg Fs { get; init; }
    public VmcbSeg Gs { get; init; }
    public VmcbSeg Gdtr { get; init; }
    public VmcbSeg Ldtr { get; init; }
    public VmcbSeg Idtr { get; init; }
    public VmcbSeg Tr { get; init; }
    public ulong Efer { get; init; }
    public ulong Cr4 { get; init; }
    public ulong Cr0 { get; init; }
    public ulong Dr7 { get; init; }
    public ulong Dr6 { get; init; }
    public ulong Rflags { get; init; }
    public ulong Rip { get; init; }
    public ulong GPat { get; init; }
    public ulong Rdx { get; init; }
    public ulong SevFeatures { get; init; }
    public ulong Xcr0 { get; init; }
    public uint Mxcsr { get; init; }
    public ushort X87Fcw { get; init; }

    /// <summary>The 4 KiB page the VMM hands to LAUNCH_UPDATE_VMSA.</summary>
    public byte[] ToPage()
    {
        var page = new byte[AmdSevSnpAbi.PageSize];
        var p = page.AsSpan();
        Es.WriteTo(p[EsOffset..]);
        Cs.WriteTo(p[CsOffset..]);
        Ss.WriteTo(p[SsOffset..]);
        Ds.WriteTo(p[DsOffset..]);
        Fs.WriteTo(p[FsOffset..]);
        Gs.WriteTo(p[GsOffset..]);
        Gdtr.WriteTo(p[GdtrOffset..]);
        Ldtr.WriteTo(p[LdtrOffset..]);
        Idtr.WriteTo(p[IdtrOffset..]);
        Tr.WriteTo(p[TrOffset..]);
        BinaryPrimitives.WriteUInt64LittleEndian(p[EferOffset..], Efer);
        BinaryPrimitives.WriteUInt64LittleEndian(p[Cr4Offset..], Cr4);
        BinaryPrimitives.WriteUInt64LittleEndian(p[Cr0Offset..], Cr0);
        BinaryPrimitives.WriteUInt64LittleEndian(p[Dr7Offset..], Dr7);
        BinaryPrimitives.WriteUInt64LittleEndian(p[Dr6Offset..], Dr6);
        BinaryPrimitives.WriteUInt64LittleEndian(p[RflagsOffset..], Rflags);
        BinaryPrimitives.WriteUInt64LittleEndian(p[RipOffset..], Rip);
        BinaryPrimitives.WriteUInt64LittleEndian(p[GPatOffset..], GPat);
        BinaryPrimitives.WriteUInt64LittleEndian(p[RdxOffset..], Rdx);
        BinaryPrimitives.WriteUInt64LittleEndian(p[SevFeaturesOffset..], SevFeatures);
        BinaryPrimitives.WriteUInt64LittleEndian(p[Xcr0Offset..], Xcr0);
        BinaryPrimitives.WriteUInt32LittleEndian(p[MxcsrOffset..], Mxcsr);
        BinaryPrimitives.WriteUInt16LittleEndian(p[X87FcwOffset..], X87Fcw);
        return page;
    }
}
