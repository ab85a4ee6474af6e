// One layer of an image being written: an uncompressed layer tar on disk, its sha256 digest (which is also its
// diff_id) and size.
namespace CcImage.Core.Oci;

public sealed record OciLayer(string FilePath, string Digest, long Size)
{
    /// <summary>Digests and measures a layer tar file.</summary>
    public static OciLayer FromFile(string path)
    {
        using var stream = File.OpenRead(path);
        string digest = "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(stream)).ToLowerInvariant();
        return new OciLayer(path, digest, new FileInfo(path).Length);
    }
}
