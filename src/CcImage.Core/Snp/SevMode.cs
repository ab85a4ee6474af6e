// The guest modes a launch digest can be computed for.
namespace CcImage.Core.Snp;

public enum SevMode
{
    /// <summary>SEV: SHA-256 of the firmware (and kernel hashes table).</summary>
    SEV,
    /// <summary>SEV-ES: as SEV, plus one VMSA per vCPU.</summary>
    SEV_ES,
    /// <summary>SEV-SNP: SHA-384 PAGE_INFO chain.</summary>
    SEV_SNP,
    /// <summary>SEV-SNP with a Coconut-SVSM below the firmware.</summary>
    SEV_SNP_SVSM,
}
