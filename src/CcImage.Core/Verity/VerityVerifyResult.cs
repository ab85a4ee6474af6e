// The outcome of verifying a data device against its hash tree and root hash.
namespace CcImage.Core.Verity;

public sealed record VerityVerifyResult(VerityParameters Parameters, VerityTreeLayout Layout, VerityCorruption? Corruption)
{
    public bool IsValid => Corruption is null;
}
