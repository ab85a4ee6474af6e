// Writes an image as an OCI image layout in a tar (oci-layout, index.json, blobs/sha256/…) that also carries the
// docker save manifest.json, as Docker 25+ writes it, so `docker load` (old and new), skopeo (oci-archive: and
// docker-archive:) and `az confcom` all read it. Entries are in a fixed order with one fixed time; the file appears
// at its path only when complete.
// Spec: OCI image-spec image-layout.md, manifest.md, image-index.md, annotations.md; moby image/spec (docker save).
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CcImage.Core.Caching;

namespace CcImage.Core.Oci;

public static class OciArchiveWriter
{
    private const int RegularFileMode = 0x1A4; // 0644
    private const int DirectoryMode = 0x1ED; // 0755

    /// <summary>The written image: the manifest's digest and the bytes of manifest and config.</summary>
    public sealed record Result(string ManifestDigest, byte[] Manifest, byte[] Config);

    public static Result Write(string path, string imageName, byte[] config, IReadOnlyList<OciLayer> layers, long epoch,
        CancellationToken cancellationToken = default)
    {
        string configDigest = Digest(config);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciImageLayout.ManifestMediaType,
            ["config"] = new JsonObject
            {
                ["mediaType"] = OciImageLayout.ConfigMediaType,
                ["digest"] = configDigest,
                ["size"] = config.Length,
            },
            ["layers"] = new JsonArray(layers.Select(l => (JsonNode)new JsonObject
            {
                ["mediaType"] = OciImageLayout.LayerTarMediaType,
                ["digest"] = l.Digest,
                ["size"] = l.Size,
            }).ToArray()),
        };
        byte[] manifestBytes = Encoding.UTF8.GetBytes(manifest.ToJsonString());
        string manifestDigest = Digest(manifestBytes);
        var (repository, tag) = ImageReference.SplitTag(imageName);
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciImageLayout.IndexMediaType,
            ["manifests"] = new JsonArray(new JsonObject
            {
                ["mediaType"] = OciImageLayout.ManifestMediaType,
                ["digest"] = manifestDigest,
                ["size"] = manifestBytes.Length,
                ["annotations"] = new JsonObject
                {
                    [OciImageLayout.ContainerdNameAnnotation] = ImageReference.FullyQualified(imageName),
                    [OciImageLayout.RefNameAnnotation] = tag,
                },
            }),
        };
        _ = repository;
        var dockerManifest = new JsonArray(new JsonObject
        {
            ["Config"] = BlobPath(configDigest),
            ["RepoTags"] = new JsonArray(imageName),
            ["Layers"] = new JsonArray(layers.Select(l => (JsonNode)BlobPath(l.Digest)).ToArray()),
        });

        AtomicFile.Write(path, temp =>
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            var tar = new LayerTarWriter(file, epoch);
            tar.AddFile(OciImageLayout.LayoutFile, Encoding.UTF8.GetBytes(OciImageLayout.LayoutVersionJson), RegularFileMode);
            tar.AddDirectory("blobs", DirectoryMode);
            tar.AddDirectory("blobs/sha256", DirectoryMode);
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (var layer in layers)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!written.Add(layer.Digest))
                    continue;
                using var content = File.OpenRead(layer.FilePath);
                tar.AddFile(BlobPath(layer.Digest), content, layer.Size, RegularFileMode);
            }
            if (written.Add(configDigest))
                tar.AddFile(BlobPath(configDigest), config, RegularFileMode);
            tar.AddFile(BlobPath(manifestDigest), manifestBytes, RegularFileMode);
            tar.AddFile("index.json", Encoding.UTF8.GetBytes(index.ToJsonString()), RegularFileMode);
            tar.AddFile("manifest.json", Encoding.UTF8.GetBytes(dockerManifest.ToJsonString()), RegularFileMode);
            tar.Finish();
        });
        return new Result(manifestDigest, manifestBytes, config);
    }

    public static string Digest(byte[] bytes) => "sha256:" + Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant();

    private static string BlobPath(string digest) => "blobs/" + digest.Replace(':', '/');
}
