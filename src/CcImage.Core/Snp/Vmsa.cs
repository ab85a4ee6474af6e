// The initial VMSA of each vCPU as QEMU/KVM, EC2 or GCE set it up: reset state (AMD APM Vol. 2 section 14.1.3 and
// A.3), the boot processor starting at the reset vector and application processors at the SEV-ES reset block EIP.
namespace CcImage.Core.Snp;

public sealed class Vmsa
{
    /// <summary>EIP of the boot processor: the x86 reset vector.</summary>
    public const uint BSP_EIP = 0xFFFF_FFF0;

    /// <summary>PAT MSR reset value (AMD APM Vol. 2, section A.3).</summary>
    public const ulong DefaultGPat = 0x0007_0406_0007_0406;
    /// <summary>The PAT value the GCE hypervisor writes instead.</summary>
    public const ulong GceGPat = 0x0007_0106;
    /// <summary>EFER with SVME set, as KVM starts vCPUs.</summary>
    public const ulong ResetEfer = 0x1000;
    /// <summary>CR4 with MCE set, as KVM starts vCPUs.</summary>
    public const ulong ResetCr4 = 0x40;
    public const ulong ResetCr0 = 0x10;
    public const ulong ResetDr7 = 0x400;
    public const ulong ResetDr6 = 0xFFFF_0FF0;
    public const ulong ResetRflags = 0x2;
    public const ulong ResetXcr0 = 0x1;
    public const uint QemuMxcsr = 0x1F80;
    public const ushort QemuX87Fcw = 0x37F;
    /// <summary>RDX at reset on EC2 and GCE (they do not pass the vCPU signature).</summary>
    public const ulong CloudResetRdx = 0x600;
    /// <summary>CS selector at reset.</summary>
    public const ushort ResetCsSelector = 0xF000;
    public const uint RealModeLimit = 0xFFFF;
    /// <summary>SEV features of every SVSM vCPU: SNPActive.</summary>
    public const ulong SvsmSevFeatures = 0x1;

    private readonly byte[] _bspPage;
    private readonly byte[]? _apPage;

    private Vmsa(byte[] bspPage, byte[]? apPage)
    {
        _bspPage = bspPage;
        _apPage = apPage;
    }

    /// <summary>The VMSAs of a SEV-ES or SEV-SNP guest; APs exist only when the firmware gives an AP reset EIP.</summary>
    public static Vmsa ForGuest(uint apEip, ulong sevFeatures, ulong vcpuSig, VmmType vmmType) => new(
        BuildSaveArea(BSP_EIP, sevFeatures, vcpuSig, vmmType).ToPage(),
        apEip != 0 ? BuildSaveArea(apEip, sevFeatures, vcpuSig, vmmType).ToPage() : null);

    /// <summary>The VMSAs of an SVSM guest: every vCPU enters the SVSM in 32-bit protected mode at its entry point.</summary>
    public static Vmsa ForSvsm(ulong svsmEip, ulong vcpuSig)
    {
        byte[] page = BuildSvsmSaveArea(svsmEip, vcpuSig).ToPage();
        return new Vmsa(page, page);
    }

    /// <summary>The VMSA page of vCPU <paramref name="index"/> (0 is the boot processor).</summary>
    public byte[] Page(int index) =>
        index == 0 ? _bspPage : _apPage ?? throw Diagnostics.Diag.Error(nameof(Diagnostics.Strings.SnpApResetEipMissing));

    public static SevEsSaveArea BuildSaveArea(uint eip, ulong sevFeatures, ulong vcpuSig, VmmType vmmType)
    {
        ushort csFlags = 0x9B, ssFlags = 0x93, trFlags = 0x8B;
        ulong gPat = DefaultGPat, rdx;
        uint mxcsr;
        ushort fcw;
        switch (vmmType)
        {
            case VmmType.QEMU:
                rdx = vcpuSig;
                mxcsr = QemuMxcsr;
                fcw = QemuX87Fcw;
                break;
            case VmmType.ec2:
                if (eip == BSP_EIP)
                    csFlags = 0x9A;
                ssFlags = 0x92;
                trFlags = 0x83;
                rdx = CloudResetRdx;
                mxcsr = 0;
                fcw = 0;
                break;
            case VmmType.gce:
                gPat = GceGPat;
                rdx = CloudResetRdx;
                mxcsr = 0;
                fcw = 0;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(vmmType));
        }
        var data = new VmcbSeg(0, 0x93, RealModeLimit, 0);
        return new SevEsSaveArea
        {
            Es = data,
            Cs = new VmcbSeg(ResetCsSelector, csFlags, RealModeLimit, eip & 0xFFFF_0000),
            Ss = new VmcbSeg(0, ssFlags, RealModeLimit, 0),
            Ds = data,
            Fs = data,
            Gs = data,
            Gdtr = new VmcbSeg(0, 0, RealModeLimit, 0),
            Idtr = new VmcbSeg(0, 0, RealModeLimit, 0),
            Ldtr = new VmcbSeg(0, 0x82, RealModeLimit, 0),
            Tr = new VmcbSeg(0, trFlags, RealModeLimit, 0),
            Efer = ResetEfer,
            Cr4 = ResetCr4,
            Cr0 = ResetCr0,
            Dr7 = ResetDr7,
            Dr6 = ResetDr6,
            Rflags = ResetRflags,
            Rip = eip & 0xFFFF,
            GPat = gPat,
            Rdx = rdx,
            SevFeatures = sevFeatures,
            Xcr0 = ResetXcr0,
            Mxcsr = mxcsr,
            X87Fcw = fcw,
        };
    }

    /// <summary>
    /// The save area of an SVSM vCPU (Coconut-SVSM's QEMU): flat 32-bit segments, CR0.PE set, RIP the SVSM entry. The
    /// reference leaves the x87 control word at 0 here, which is what QEMU's SVSM launch measures.
    /// </summary>
    public static SevEsSaveArea BuildSvsmSaveArea(ulong eip, ulong vcpuSig)
    {
        var flat = new VmcbSeg(16, 0xC93, 0xFFFF_FFFF, 0);
        return new SevEsSaveArea
        {
            Es = flat,
            Cs = new VmcbSeg(8, 0xC9B, 0xFFFF_FFFF, 0),
            Ss = flat,
            Ds = flat,
            Fs = flat,
            Gs = new VmcbSeg(0, 0x093, RealModeLimit, 0),
            Gdtr = new VmcbSeg(0, 0, RealModeLimit, 0),
            Idtr = new VmcbSeg(0, 0, RealModeLimit, 0),
            Ldtr = new VmcbSeg(0, 0x82, RealModeLimit, 0),
            Tr = new VmcbSeg(0, 0x8B, RealModeLimit, 0),
            Efer = ResetEfer,
            Cr4 = ResetCr4,
            Cr0 = 0x11,
            Dr7 = ResetDr7,
            Dr6 = ResetDr6,
            Rflags = ResetRflags,
            Rip = eip,
            GPat = DefaultGPat,
            Rdx = vcpuSig,
            SevFeatures = SvsmSevFeatures,
            Xcr0 = ResetXcr0,
            Mxcsr = QemuMxcsr,
            X87Fcw = 0,
        };
    }
}
