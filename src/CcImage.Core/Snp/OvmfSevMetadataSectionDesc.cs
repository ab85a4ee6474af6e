// One item of the OVMF SEV metadata: {UINT32 gpa, UINT32 size, UINT32 type} (OvmfSevMetadata.asm).
namespace CcImage.Core.Snp;

public readonly record struct OvmfSevMetadataSectionDesc(uint Gpa, uint Size, uint SectionTypeValue)
{
    /// <summary>Size of one item in the metadata.</summary>
    public const int EncodedSize = 12;

    /// <summary>The item's type; unknown values are a firmware this tool cannot measure.</summary>
    public SectionType SectionType => Enum.IsDefined((SectionType)SectionTypeValue)
        ? (SectionType)SectionTypeValue
        : throw Diagnostics.Diag.Error(nameof(Diagnostics.Strings.SnpMetadataSectionTypeUnknown), SectionTypeValue, Gpa);
}
