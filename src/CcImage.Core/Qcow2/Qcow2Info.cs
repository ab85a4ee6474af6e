// A summary of a qcow2 image for `ccimage qcow2 info` and callers: geometry, allocation and format details.
namespace CcImage.Core.Qcow2;

/// <param name="VirtualSize">The guest-visible size in bytes (header field size).</param>
/// <param name="ClusterSize">Bytes per cluster (1 &lt;&lt; cluster_bits).</param>
/// <param name="AllocatedClusters">Data clusters stored in the file (standard and compressed), excluding metadata.</param>
/// <param name="FileSize">The image file's length in bytes.</param>
/// <param name="FormatVersion">The header version (2 or 3).</param>
/// <param name="RefcountBits">Bits per refcount entry (1 &lt;&lt; refcount_order).</param>
/// <param name="L1Size">Entries in the active L1 table.</param>
/// <param name="CompressedClusters">Data clusters stored zlib-compressed.</param>
/// <param name="Snapshots">Internal snapshots (nb_snapshots).</param>
public sealed record Qcow2Info(
    long VirtualSize,
    int ClusterSize,
    long AllocatedClusters,
    long FileSize,
    int FormatVersion,
    int RefcountBits,
    long L1Size,
    long CompressedClusters,
    long Snapshots);
