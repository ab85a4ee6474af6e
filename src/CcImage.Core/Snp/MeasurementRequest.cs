// The inputs of one launch digest computation: mode, firmware, boot files, vCPUs and the VMM's initial state.
using System.Numerics;

namespace CcImage.Core.Snp;

public sealed record MeasurementRequest
{
    public required SevMode Mode { get; init; }

    /// <summary>Path of the OVMF firmware image.</summary>
    public required string OvmfPath { get; init; }

    /// <summary>Number of vCPUs (one VMSA each; ignored for SEV). Negative counts measure no VMSA, as the reference.</summary>
    public int Vcpus { get; init; }

    /// <summary>The vCPU signature QEMU puts in RDX.</summary>
    public ulong VcpuSig { get; init; }

    public VmmType VmmType { get; init; } = VmmType.QEMU;

    /// <summary>SEV features of the VMSA (SEV-SNP); bit 0 SNPActive.</summary>
    public ulong GuestFeatures { get; init; } = 0x1;

    /// <summary>Kernel given to QEMU with -kernel; null or empty for none (no kernel hashes table).</summary>
    public string? KernelPath { get; init; }

    public string? InitrdPath { get; init; }

    /// <summary>Kernel command line (QEMU -append).</summary>
    public string? Append { get; init; }

    /// <summary>Precomputed OVMF hash (hex) replacing the measurement of the firmware's pages (SEV-SNP only).</summary>
    public string? SnpOvmfHash { get; init; }

    /// <summary>Coconut-SVSM binary (snp:svsm).</summary>
    public string? SvsmPath { get; init; }

    /// <summary>Size of the OVMF_VARS flash placed between the SVSM and OVMF (snp:svsm).</summary>
    public BigInteger OvmfVarsSize { get; init; }

    /// <summary>The kernel hashes table when the caller already started hashing the kernel, initrd and command line;
    /// null to hash them from <see cref="KernelPath"/>, <see cref="InitrdPath"/> and <see cref="Append"/>.</summary>
    public KernelHashesJob? KernelHashes { get; init; }

    /// <summary>Receives each measured VMSA page (index, page), e.g. to dump them.</summary>
    public Action<int, byte[]>? VmsaObserver { get; init; }

    internal bool HasKernel => !string.IsNullOrEmpty(KernelPath);
}
