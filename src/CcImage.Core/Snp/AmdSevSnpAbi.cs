// SEV / SEV-ES / SEV-SNP launch measurement, computed without the hardware. Specifications this folder follows:
//  - AMD "SEV Secure Nested Paging Firmware ABI Specification", publication 56860: section 8.17 SNP_LAUNCH_UPDATE
//    (PAGE_TYPE values) and its subsection on the launch digest (the PAGE_INFO structure, digest chaining with SHA-384).
//  - AMD "Secure Encrypted Virtualization API", publication 55766: LAUNCH_UPDATE_DATA / LAUNCH_UPDATE_VMSA /
//    LAUNCH_MEASURE (SEV and SEV-ES measure a SHA-256 over everything encrypted at launch).
//  - AMD64 Architecture Programmer's Manual Vol. 2, publication 24593, Appendix B, Table B-4 (VMSA layout of the
//    SEV-ES state save area) and section A.3 (reset values); CPUID specification 25481 (Fn0000_0001_EAX signature).
//  - OVMF (edk2 OvmfPkg/ResetVector): the footer GUID table that ends 32 bytes before the end of the firmware, and
//    the SEV metadata it points to (OvmfSevMetadata.asm: header "ASEV", version 1, then {gpa, size, type} items).
//  - QEMU target/i386/sev.c: the kernel hashes table (SEV_HASH_TABLE) QEMU writes into the firmware.
// The behaviour of each mode is the one of virtee/sev-snp-measure 0.0.13, the de-facto reference implementation.
namespace CcImage.Core.Snp;

/// <summary>Sizes and constants of the SNP firmware ABI that the launch digest depends on.</summary>
public static class AmdSevSnpAbi
{
    /// <summary>Size of a guest page; SNP_LAUNCH_UPDATE works in whole 4 KiB pages.</summary>
    public const int PageSize = 4096;

    /// <summary>Size of the launch digest (SHA-384).</summary>
    public const int LaunchDigestSize = 48;

    /// <summary>Size of the PAGE_INFO structure hashed for each launch update.</summary>
    public const int PageInfoLength = 0x70;

    /// <summary>Offsets of the PAGE_INFO fields.</summary>
    public const int PageInfoDigestCurOffset = 0x00;
    public const int PageInfoContentsOffset = 0x30;
    public const int PageInfoLengthOffset = 0x60;
    public const int PageInfoPageTypeOffset = 0x62;
    public const int PageInfoImiPageOffset = 0x63;
    public const int PageInfoVmpl3PermsOffset = 0x64;
    public const int PageInfoVmpl2PermsOffset = 0x65;
    public const int PageInfoVmpl1PermsOffset = 0x66;
    public const int PageInfoGpaOffset = 0x68;

    /// <summary>
    /// GPA recorded for VMSA pages: the RMP records them at (u64)-1, page-aligned with the bits above 51 cleared.
    /// </summary>
    public const ulong VmsaGpa = 0xFFFF_FFFF_F000;

    /// <summary>The firmware is mapped so that it ends at 4 GiB.</summary>
    public const long FourGiB = 0x1_0000_0000;
}
