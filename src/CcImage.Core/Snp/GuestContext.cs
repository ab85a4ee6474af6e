// The SNP guest context's launch digest (GCTX.LD): each launch update chains SHA-384 over a PAGE_INFO record.
using System.Buffers.Binary;
using System.Security.Cryptography;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Snp;

public sealed class GuestContext : IDisposable
{
    private readonly IncrementalHash _sha384 = IncrementalHash.CreateHash(HashAlgorithmName.SHA384);
    private byte[] _launchDigest;

    /// <summary>A context whose digest starts at all zeros, or at <paramref name="seed"/> (a precomputed OVMF hash).</summary>
    public GuestContext(byte[]? seed = null) =>
        _launchDigest = seed is null ? new byte[AmdSevSnpAbi.LaunchDigestSize] : (byte[])seed.Clone();

    /// <summary>The current launch digest (GCTX.LD).</summary>
    public byte[] LaunchDigest => (byte[])_launchDigest.Clone();

    /// <summary>Measures pages of contents at <paramref name="startGpa"/>, given their SHA-384 digests in page order.</summary>
    public void UpdateNormalPages(long startGpa, IReadOnlyList<byte[]> pageDigests)
    {
        for (int i = 0; i < pageDigests.Count; i++)
            Update(PageType.Normal, startGpa + (long)i * AmdSevSnpAbi.PageSize, pageDigests[i]);
    }

    /// <summary>Measures one VMSA page.</summary>
    public void UpdateVmsaPage(ReadOnlySpan<byte> vmsaPage)
    {
        if (vmsaPage.Length != AmdSevSnpAbi.PageSize)
            throw new ArgumentException("A VMSA page is exactly one page.", nameof(vmsaPage));
        _sha384.AppendData(vmsaPage);
        Update(PageType.Vmsa, (long)AmdSevSnpAbi.VmsaGpa, _sha384.GetHashAndReset());
    }

    /// <summary>Measures zero or unmeasured pages covering <paramref name="length"/> bytes (a whole number of pages).</summary>
    public void UpdateContentlessPages(PageType type, long gpa, long length)
    {
        if (length % AmdSevSnpAbi.PageSize != 0)
            throw new ArgumentException("The length must be a whole number of pages.", nameof(length));
        var zeros = new byte[AmdSevSnpAbi.LaunchDigestSize];
        for (long offset = 0; offset < length; offset += AmdSevSnpAbi.PageSize)
            Update(type, gpa + offset, zeros);
    }

    /// <summary>Measures the secrets page or the CPUID page at <paramref name="gpa"/>.</summary>
    public void UpdateSpecialPage(PageType type, long gpa) =>
        Update(type, gpa, new byte[AmdSevSnpAbi.LaunchDigestSize]);

    private void Update(PageType pageType, long gpa, byte[] contents)
    {
        if (_launchDigest.Length != AmdSevSnpAbi.LaunchDigestSize)
            throw Diag.Error(nameof(Strings.SnpOvmfHashLength), _launchDigest.Length);
        if (gpa < 0)
            throw Diag.Error(nameof(Strings.SnpGpaOutOfRange), gpa);
        Span<byte> pageInfo = stackalloc byte[AmdSevSnpAbi.PageInfoLength];
        pageInfo.Clear();
        _launchDigest.CopyTo(pageInfo[AmdSevSnpAbi.PageInfoDigestCurOffset..]);
        contents.CopyTo(pageInfo[AmdSevSnpAbi.PageInfoContentsOffset..]);
        BinaryPrimitives.WriteUInt16LittleEndian(pageInfo[AmdSevSnpAbi.PageInfoLengthOffset..], AmdSevSnpAbi.PageInfoLength);
        pageInfo[AmdSevSnpAbi.PageInfoPageTypeOffset] = (byte)pageType;
        // IMI_PAGE, VMPL3_PERMS, VMPL2_PERMS, VMPL1_PERMS and the reserved byte stay 0 for a normal launch.
        BinaryPrimitives.WriteUInt64LittleEndian(pageInfo[AmdSevSnpAbi.PageInfoGpaOffset..], (ulong)gpa);
        _sha384.AppendData(pageInfo);
        _launchDigest = _sha384.GetHashAndReset();
    }

    public void Dispose() => _sha384.Dispose();
}
