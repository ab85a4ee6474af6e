// What `veritysetup format` reports for a hash device it wrote: the settings used, the sizes and the root hash.
namespace CcImage.Core.Verity;

public sealed record VerityFormatResult(VerityParameters Parameters, VerityTreeLayout Layout, byte[] RootHash)
{
    public string RootHashHex => Convert.ToHexString(RootHash).ToLowerInvariant();

    public string SaltHex => VeritySalt.Format(Parameters.Salt);

    /// <summary>The superblock UUID, or null with --no-superblock.</summary>
    public string? Uuid => Parameters.NoSuperblock ? null : Parameters.Uuid;

    public long DataBlocks => Layout.DataBlocks;

    public long HashBlocks => Layout.HashBlocks;

    /// <summary>Byte offset of the superblock (or of the tree with no superblock) in the hash file.</summary>
    public long HashOffset => Parameters.HashOffset;
}
