// Media types and annotation keys of the OCI image layout that CcImage writes and reads.
// Spec: OCI image-spec media-types.md, annotations.md, image-layout.md.
namespace CcImage.Core.Oci;

public static class OciImageLayout
{
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string IndexMediaType = "application/vnd.oci.image.index.v1+json";
    public const string ConfigMediaType = "application/vnd.oci.image.config.v1+json";
    public const string LayerTarMediaType = "application/vnd.oci.image.layer.v1.tar";
    public const string LayerTarGzipMediaType = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string DockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";
    public const string RefNameAnnotation = "org.opencontainers.image.ref.name";
    public const string ContainerdNameAnnotation = "io.containerd.image.name";
    public const string LayoutFile = "oci-layout";
    public const string LayoutVersionJson = "{\"imageLayoutVersion\":\"1.0.0\"}";
}
