// What is known about one confidential site once its cc_config is read and its inputs are fingerprinted: its name,
// role, derived vm_id, the cc_config and the workload archive.
namespace CcImage.Core.Provisioning;

public sealed record CvmSiteFacts(string SiteName, string Role, string VmId, CcConfig Config, DockerArchiveInfo Archive)
{
    /// <summary>The archive's file name on the workload partition (image.tar.gz, or image.tar when not compressed).</summary>
    public string ArchiveFileName => Archive.Gzipped ? "image.tar.gz" : "image.tar";
}
