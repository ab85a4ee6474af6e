// The synthetic firmware shapes and boot files the Snp tests measure; their digests were cross-checked against
// virtee/sev-snp-measure 0.0.13 when the tests were written.
using CcImage.Core.Snp;

namespace CcImage.Tests.Snp;

internal static class SnpTestImages
{
    /// <summary>AmdSev-like: reset block, kernel hashes table, metadata with every item type.</summary>
    public static byte[] AmdSevLike() => new SyntheticFirmware(16, 1)
        .ResetBlock(0x0080_7C30)
        .HashTable(0x0080_EC00)
        .Metadata(
            (SectionType.SNP_SEC_MEM, 0x80_0000, 0x9000),
            (SectionType.SNP_SECRETS, 0x80_9000, 0x1000),
            (SectionType.CPUID, 0x80_A000, 0x1000),
            (SectionType.SVSM_CAA, 0x80_B000, 0x1000),
            (SectionType.SNP_SEC_MEM, 0x80_C000, 0x2000),
            (SectionType.SNP_KERNEL_HASHES, 0x80_E000, 0x1000))
        .Build();

    /// <summary>Odd orders: table entries in another order, kernel hashes first, two CPUID pages, GPAs descending.</summary>
    public static byte[] OddOrder() => new SyntheticFirmware(12, 2)
        .Metadata(
            (SectionType.SNP_KERNEL_HASHES, 0x81_0000, 0x1000),
            (SectionType.CPUID, 0x81_1000, 0x1000),
            (SectionType.SNP_SEC_MEM, 0x90_0000, 0x3000),
            (SectionType.SNP_SECRETS, 0x81_2000, 0x1000),
            (SectionType.CPUID, 0x81_3000, 0x1000),
            (SectionType.SNP_SEC_MEM, 0x80_0000, 0x1000))
        .HashTable(0x0081_0004)
        .ResetBlock(0xFFFF_E0B0)
        .Build();

    /// <summary>OvmfX64-like: SEV-SNP metadata but no kernel hashes (as Debian bookworm's OVMF_CODE_4M.fd).</summary>
    public static byte[] NoKernelHashes() => new SyntheticFirmware(8, 3)
        .ResetBlock(0x0080_B004)
        .Metadata(
            (SectionType.SNP_SEC_MEM, 0x80_0000, 0x2000),
            (SectionType.SNP_SECRETS, 0x80_2000, 0x1000),
            (SectionType.CPUID, 0x80_3000, 0x1000),
            (SectionType.SNP_SEC_MEM, 0x80_4000, 0x4000))
        .Build();

    /// <summary>No footer table at all (as an OVMF_VARS file).</summary>
    public static byte[] NoTable() => new SyntheticFirmware(4, 4).Build();

    /// <summary>A footer table whose reset block gives AP EIP 0 and no metadata.</summary>
    public static byte[] ZeroApEip() => new SyntheticFirmware(4, 7).ResetBlock(0).Build();

    /// <summary>The OVMF of an SVSM guest.</summary>
    public static byte[] SvsmOvmf() => new SyntheticFirmware(16, 6).ResetBlock(0x0080_7C30).Build();

    /// <summary>A Coconut-SVSM image: SVSM_INFO entry and its own metadata.</summary>
    public static byte[] Svsm() => new SyntheticFirmware(8, 5)
        .SvsmInfo(0x1230)
        .Metadata(
            (SectionType.SNP_SEC_MEM, 0x7F0_0000, 0x2000),
            (SectionType.SNP_SECRETS, 0x7F0_2000, 0x1000),
            (SectionType.CPUID, 0x7F0_3000, 0x1000),
            (SectionType.SVSM_CAA, 0x7F0_4000, 0x1000),
            (SectionType.SNP_KERNEL_HASHES, 0x7F0_5000, 0x1000))
        .Build();

    public static byte[] Kernel() => SyntheticFirmware.Blob(100_000, 11);
    public static byte[] Initrd() => SyntheticFirmware.Blob(250_001, 12);
    public const string Cmdline = "console=ttyS0 root=/dev/vda1 quiet";

    /// <summary>Writes every image and boot file into <paramref name="folder"/> under the names the tests use.</summary>
    public static void WriteAll(string folder)
    {
        File.WriteAllBytes(Path.Combine(folder, "amdsev.fd"), AmdSevLike());
        File.WriteAllBytes(Path.Combine(folder, "odd.fd"), OddOrder());
        File.WriteAllBytes(Path.Combine(folder, "nohashes.fd"), NoKernelHashes());
        File.WriteAllBytes(Path.Combine(folder, "notable.fd"), NoTable());
        File.WriteAllBytes(Path.Combine(folder, "zeroap.fd"), ZeroApEip());
        File.WriteAllBytes(Path.Combine(folder, "svsm_ovmf.fd"), SvsmOvmf());
        File.WriteAllBytes(Path.Combine(folder, "svsm.bin"), Svsm());
        File.WriteAllBytes(Path.Combine(folder, "vmlinuz"), Kernel());
        File.WriteAllBytes(Path.Combine(folder, "initrd.img"), Initrd());
    }
}
