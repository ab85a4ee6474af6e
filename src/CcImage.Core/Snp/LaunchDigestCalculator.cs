// Computes the launch digest of a guest in each mode: SEV and SEV-ES (SHA-256 over what LAUNCH_UPDATE_DATA and
// LAUNCH_UPDATE_VMSA encrypt) and SEV-SNP (the PAGE_INFO chain of SNP_LAUNCH_UPDATE: firmware pages, then the SEV
// metadata items in table order, then one VMSA per vCPU). The kernel and initrd are hashed beside the firmware's pages
// (KernelHashesJob).
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Snp;

public static class LaunchDigestCalculator
{
    private const long PageMask = AmdSevSnpAbi.PageSize - 1;

    /// <summary>The launch digest of <paramref name="request"/> (32 bytes for SEV/SEV-ES, 48 for SEV-SNP).</summary>
    public static byte[] Calculate(MeasurementRequest request)
    {
        if (!string.IsNullOrEmpty(request.SnpOvmfHash) && request.Mode != SevMode.SEV_SNP)
            throw Diag.Error(nameof(Strings.SnpOvmfHashNeedsSnp));
        return request.Mode switch
        {
            SevMode.SEV_SNP => CalculateSnp(request),
            SevMode.SEV_ES => CalculateSevEs(request),
            SevMode.SEV => CalculateSev(request),
            SevMode.SEV_SNP_SVSM => request.VmmType == VmmType.QEMU
                ? CalculateSvsm(request)
                : throw Diag.Error(nameof(Strings.SnpSvsmNeedsQemu), request.VmmType),
            _ => throw new ArgumentOutOfRangeException(nameof(request)),
        };
    }

    /// <summary>The SEV-SNP digest of the firmware pages alone (mode snp:ovmf-hash), to pass later as a seed.</summary>
    public static byte[] CalculateSnpOvmfHash(string ovmfPath)
    {
        var ovmf = OvmfImage.Load(ovmfPath);
        using var context = new GuestContext();
        MeasureFirmwarePages(context, ovmf);
        return context.LaunchDigest;
    }

    /// <summary>The command line as QEMU hands it to the firmware: UTF-8 with a terminating NUL.</summary>
    public static byte[] CommandLineBytes(string? append) =>
        Encoding.UTF8.GetBytes((append ?? "") + "\0");

    private static KernelHashesJob? StartKernelHashes(MeasurementRequest request) =>
        !request.HasKernel ? null : request.KernelHashes ?? KernelHashesJob.Start(request.KernelPath!, request.InitrdPath, request.Append);

    private static byte[] CalculateSnp(MeasurementRequest request)
    {
        var kernelHashes = StartKernelHashes(request);
        var ovmf = OvmfImage.Load(request.OvmfPath);
        using var context = new GuestContext(string.IsNullOrEmpty(request.SnpOvmfHash) ? null : ParseHex(request.SnpOvmfHash));
        if (string.IsNullOrEmpty(request.SnpOvmfHash))
            MeasureFirmwarePages(context, ovmf);
        var hashes = kernelHashes?.Result();
        MeasureMetadataSections(context, ovmf, ovmf, hashes, request.VmmType);
        var vmsa = Vmsa.ForGuest(ovmf.SevEsResetEip, request.GuestFeatures, request.VcpuSig, request.VmmType);
        for (int i = 0; i < request.Vcpus; i++)
        {
            byte[] page = vmsa.Page(i);
            context.UpdateVmsaPage(page);
            request.VmsaObserver?.Invoke(i, page);
        }
        return context.LaunchDigest;
    }

    private static byte[] CalculateSvsm(MeasurementRequest request)
    {
        if (string.IsNullOrEmpty(request.SvsmPath))
            throw Diag.Error(nameof(Strings.SnpSvsmOptionsMissing));
        var ovmf = OvmfImage.Load(request.OvmfPath);
        BigInteger svsmEnd = ovmf.Gpa - request.OvmfVarsSize;
        if (svsmEnd < long.MinValue / 2 || svsmEnd > long.MaxValue / 2)
            throw Diag.Error(nameof(Strings.SnpGpaOutOfRange), svsmEnd);
        var svsm = OvmfImage.Load(request.SvsmPath, (long)svsmEnd, "the SVSM binary");
        ulong eip = (ulong)svsm.SvsmEntryEip;
        using var context = new GuestContext();
        MeasureFirmwarePages(context, ovmf);
        MeasureFirmwarePages(context, svsm);
        MeasureMetadataSections(context, svsm, svsm, null, VmmType.QEMU);
        var vmsa = Vmsa.ForSvsm(eip, request.VcpuSig);
        for (int i = 0; i < request.Vcpus; i++)
        {
            byte[] page = vmsa.Page(i);
            context.UpdateVmsaPage(page);
            request.VmsaObserver?.Invoke(i, page);
        }
        return context.LaunchDigest;
    }

    private static byte[] CalculateSevEs(MeasurementRequest request)
    {
        var kernelHashes = StartKernelHashes(request);
        var ovmf = OvmfImage.Load(request.OvmfPath);
        using var launchHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        launchHash.AppendData(ovmf.Data);
        AppendKernelHashesTable(launchHash, ovmf, kernelHashes);
        // SEV-ES VMSAs carry no SEV features.
        var vmsa = Vmsa.ForGuest(ovmf.SevEsResetEip, 0, request.VcpuSig, request.VmmType);
        for (int i = 0; i < request.Vcpus; i++)
        {
            byte[] page = vmsa.Page(i);
            launchHash.AppendData(page);
            request.VmsaObserver?.Invoke(i, page);
        }
        return launchHash.GetHashAndReset();
    }

    private static byte[] CalculateSev(MeasurementRequest request)
    {
        var kernelHashes = StartKernelHashes(request);
        var ovmf = OvmfImage.Load(request.OvmfPath);
        using var launchHash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        launchHash.AppendData(ovmf.Data);
        AppendKernelHashesTable(launchHash, ovmf, kernelHashes);
        return launchHash.GetHashAndReset();
    }

    private static void AppendKernelHashesTable(IncrementalHash launchHash, OvmfImage ovmf, KernelHashesJob? kernelHashes)
    {
        if (kernelHashes is null)
            return;
        if (!ovmf.IsSevHashesTableSupported)
            throw Diag.Error(nameof(Strings.SnpKernelHashesUnsupported), Path.GetFileName(ovmf.Path));
        launchHash.AppendData(kernelHashes.Result().Construct());
    }

    private static void MeasureFirmwarePages(GuestContext context, OvmfImage image)
    {
        if (image.Data.Length % AmdSevSnpAbi.PageSize != 0)
            throw Diag.Error(nameof(Strings.SnpFirmwareSizeNotPageMultiple), Path.GetFileName(image.Path), image.Data.Length);
        if (image.Data.Length == 0)
            return;
        if (image.Gpa < 0)
            throw Diag.Error(nameof(Strings.SnpGpaOutOfRange), image.Gpa);
        context.UpdateNormalPages(image.Gpa, PageDigests.Sha384Pages(image.Data));
    }

    /// <summary>
    /// The SEV metadata items of <paramref name="metadataSource"/> in table order; on EC2 the CPUID pages come last.
    /// </summary>
    private static void MeasureMetadataSections(GuestContext context, OvmfImage metadataSource, OvmfImage hashTableSource,
        SevHashTable? hashes, VmmType vmmType)
    {
        foreach (var desc in metadataSource.MetadataItems)
        {
            switch (desc.SectionType)
            {
                case SectionType.SNP_SEC_MEM:
                    CheckWholePages(desc);
                    context.UpdateContentlessPages(vmmType == VmmType.gce ? PageType.Unmeasured : PageType.Zero, desc.Gpa, desc.Size);
                    break;
                case SectionType.SNP_SECRETS:
                    context.UpdateSpecialPage(PageType.Secrets, desc.Gpa);
                    break;
                case SectionType.CPUID:
                    if (vmmType != VmmType.ec2)
                        context.UpdateSpecialPage(PageType.Cpuid, desc.Gpa);
                    break;
                case SectionType.SNP_KERNEL_HASHES:
                    if (hashes is not null)
                    {
                        int offsetInPage = (int)(hashTableSource.SevHashesTableGpa & PageMask);
                        byte[] page = hashes.ConstructPage(offsetInPage);
                        if (desc.Size != AmdSevSnpAbi.PageSize)
                            throw Diag.Error(nameof(Strings.SnpKernelHashesSectionSize), desc.Size);
                        context.UpdateNormalPages(desc.Gpa, [SHA384.HashData(page)]);
                    }
                    else
                    {
                        CheckWholePages(desc);
                        context.UpdateContentlessPages(PageType.Zero, desc.Gpa, desc.Size);
                    }
                    break;
                case SectionType.SVSM_CAA:
                    CheckWholePages(desc);
                    context.UpdateContentlessPages(PageType.Zero, desc.Gpa, desc.Size);
                    break;
            }
        }
        if (vmmType == VmmType.ec2)
            foreach (var desc in metadataSource.MetadataItems)
                if (desc.SectionType == SectionType.CPUID)
                    context.UpdateSpecialPage(PageType.Cpuid, desc.Gpa);
        if (hashes is not null && !metadataSource.HasMetadataSection(SectionType.SNP_KERNEL_HASHES))
            throw Diag.Error(nameof(Strings.SnpKernelHashesSectionMissing), Path.GetFileName(metadataSource.Path));
    }

    private static void CheckWholePages(OvmfSevMetadataSectionDesc desc)
    {
        if (desc.Size % AmdSevSnpAbi.PageSize != 0)
            throw Diag.Error(nameof(Strings.SnpMetadataSectionSizeInvalid), desc.SectionType, desc.Gpa, desc.Size);
    }

    /// <summary>Hex bytes as Python's bytes.fromhex reads them: pairs of hex digits, whitespace allowed between pairs.</summary>
    public static byte[] ParseHex(string text)
    {
        var bytes = new List<byte>(AmdSevSnpAbi.LaunchDigestSize);
        int i = 0;
        while (true)
        {
            while (i < text.Length && IsAsciiWhitespace(text[i]))
                i++;
            if (i >= text.Length)
                break;
            if (i + 1 >= text.Length || !char.IsAsciiHexDigit(text[i]) || !char.IsAsciiHexDigit(text[i + 1]))
                throw Diag.Error(nameof(Strings.SnpOvmfHashInvalid), text);
            bytes.Add(Convert.ToByte(text.Substring(i, 2), 16));
            i += 2;
        }
        return bytes.ToArray();
    }

    private static bool IsAsciiWhitespace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\v' or '\f';
}
