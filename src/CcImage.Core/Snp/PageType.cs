// PAGE_TYPE of SNP_LAUNCH_UPDATE (AMD SEV-SNP ABI 56860, section 8.17): how a page enters the launch digest.
namespace CcImage.Core.Snp;

public enum PageType : byte
{
    /// <summary>PAGE_TYPE_NORMAL: contents measured (SHA-384 of the page).</summary>
    Normal = 0x01,
    /// <summary>PAGE_TYPE_VMSA: a vCPU save area, measured at <see cref="AmdSevSnpAbi.VmsaGpa"/>.</summary>
    Vmsa = 0x02,
    /// <summary>PAGE_TYPE_ZERO: a zero page; only its GPA is measured.</summary>
    Zero = 0x03,
    /// <summary>PAGE_TYPE_UNMEASURED: validated but contents not measured.</summary>
    Unmeasured = 0x04,
    /// <summary>PAGE_TYPE_SECRETS: the secrets page the firmware fills.</summary>
    Secrets = 0x05,
    /// <summary>PAGE_TYPE_CPUID: the CPUID page the firmware checks.</summary>
    Cpuid = 0x06,
}
