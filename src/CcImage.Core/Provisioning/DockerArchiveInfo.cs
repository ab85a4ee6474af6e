// What the build needs to know about a cc_config's docker_archive (`docker save IMAGE | gzip`, or the tar alone): the
// file's SHA-256, and the image it holds — its ID (the SHA-256 of its config, which is what `podman load` reports and
// `podman run` accepts) and its tags. Read in one streaming pass; only the small JSON entries are kept in memory.
// Spec: moby image/spec "Image tarball" (manifest.json: Config, RepoTags, Layers) and the OCI image layout, which
// Docker 25+ writes alongside it (blobs/sha256/<digest>).
using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Provisioning;

public sealed record DockerArchiveInfo(string Sha256, string ImageId, IReadOnlyList<string> RepoTags, bool Gzipped)
{
    /// <summary>Entries up to this size are kept while reading (manifests and configs are a few KiB).</summary>
    private const long SmallEntryLimit = 4L << 20;

    /// <summary>At most this many bytes of small entries are kept in all.</summary>
    private const long SmallEntriesBudget = 64L << 20;

    private const string ManifestName = "manifest.json";

    public static DockerArchiveInfo Read(string path, CancellationToken cancellationToken)
    {
        InputFile.Require(path, "docker_archive");
        using var hashing = new HashingReadStream(File.OpenRead(path));
        bool gzipped;
        var small = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            var buffered = new BufferedStream(hashing, 1 << 20);
            Span<byte> magic = stackalloc byte[2];
            int got = buffered.Read(magic);
            gzipped = got == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
            // The two bytes go back in front of the stream for the tar (or gzip) reader.
            Stream content = new Aci.PrefixedStream(magic[..got].ToArray(), buffered);
            if (gzipped)
                content = new GZipStream(content, CompressionMode.Decompress);
            long kept = 0;
            using (var tar = new TarReader(content))
            {
                while (tar.GetNextEntry() is { } entry)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null
                        || entry.Length > SmallEntryLimit || kept + entry.Length > SmallEntriesBudget)
                        continue;
                    string name = entry.Name.TrimStart('.', '/');
                    if (!(name == ManifestName || name.EndsWith(".json", StringComparison.Ordinal) || name.StartsWith("blobs/sha256/", StringComparison.Ordinal)))
                        continue;
                    using var copy = new MemoryStream();
                    entry.DataStream.CopyTo(copy);
                    small[name] = copy.ToArray();
                    kept += entry.Length;
                }
            }
            hashing.Drain();
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
        {
            throw Diag.Error(nameof(Strings.DockerArchiveInvalid), path, "it is not a tar archive (" + e.Message.TrimEnd('.') + ")");
        }

        if (!small.TryGetValue(ManifestName, out byte[]? manifestBytes))
            throw Diag.Error(nameof(Strings.DockerArchiveInvalid), path, "it has no manifest.json");
        string configName;
        var tags = new List<string>();
        try
        {
            using var manifest = JsonDocument.Parse(manifestBytes);
            if (manifest.RootElement.ValueKind != JsonValueKind.Array || manifest.RootElement.GetArrayLength() == 0)
                throw Diag.Error(nameof(Strings.DockerArchiveInvalid), path, "its manifest.json lists no image");
            if (manifest.RootElement.GetArrayLength() > 1)
                throw Diag.Error(nameof(Strings.DockerArchiveInvalid), path, "it holds more than one image; save exactly one (the workload)");
            var image = manifest.RootElement[0];
            configName = image.TryGetProperty("Config", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString()! : "";
            if (image.TryGetProperty(nameof(RepoTags), out var t) && t.ValueKind == JsonValueKind.Array)
                tags.AddRange(t.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!));
        }
        catch (JsonException e)
        {
            throw Diag.Error(nameof(Strings.DockerArchiveInvalid), path, "its manifest.json is not JSON (" + e.Message + ")");
        }
        if (!small.TryGetValue(configName.TrimStart('.', '/'), out byte[]? config))
            throw Diag.Error(nameof(Strings.DockerArchiveInvalid), path, $"the image config '{configName}' its manifest.json names is missing");
        string imageId = Convert.ToHexString(SHA256.HashData(config)).ToLowerInvariant();
        return new DockerArchiveInfo(hashing.Sha256Hex, imageId, tags, gzipped);
    }
}
