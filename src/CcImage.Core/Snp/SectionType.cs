// Types of the OVMF SEV metadata sections (edk2 OvmfPkg/ResetVector/X64/OvmfSevMetadata.asm), each a way the VMM
// adds a firmware range to the launch digest.
namespace CcImage.Core.Snp;

public enum SectionType : uint
{
    /// <summary>Pre-validated memory the SEC phase uses: zero pages (unmeasured on GCE).</summary>
    SNP_SEC_MEM = 1,
    /// <summary>The SNP secrets page.</summary>
    SNP_SECRETS = 2,
    /// <summary>The CPUID page.</summary>
    CPUID = 3,
    /// <summary>The SVSM calling area: zero pages.</summary>
    SVSM_CAA = 4,
    /// <summary>The page holding the kernel hashes table (QEMU's SEV_HASH_TABLE), or zero pages without a kernel.</summary>
    SNP_KERNEL_HASHES = 0x10,
}
