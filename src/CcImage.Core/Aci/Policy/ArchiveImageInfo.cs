// What `az confcom` 1.2.7 reads from a local image archive for one image: the image config (Env, Cmd, Entrypoint,
// WorkingDir, User, StopSignal, and the architecture), found by the image's name as confcom's os_util finds it
// (legacy manifest.json RepoTags first, then the OCI index's io.containerd.image.name annotation), and the layer
// root hashes as the dmverity-vhd release it runs (integrity-vhd v1.6) computes them with --tarball, which hashes
// the layers of the first image in the archive (OCI index first, else the legacy manifest), in manifest order.
using System.Text;
using System.Text.Json.Nodes;
using CcImage.Core.Diagnostics;
using CcImage.Core.Oci;

namespace CcImage.Core.Aci.Policy;

internal static class ArchiveImageInfo
{
    private const string OciManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    private const string DockerManifestMediaType = "application/vnd.docker.distribution.manifest.v2+json";
    private const string ContainerdNameAnnotation = "io.containerd.image.name";

    /// <summary>The image config's "config" object with "Architecture" added, or null when the archive does not name the image.</summary>
    public static JsonObject? FindConfig(ImageArchive archive, string imageName)
    {
        if (archive.Small("manifest.json") is { } manifestBytes)
        {
            var manifest = Parse(archive, manifestBytes);
            if (manifest is JsonArray images)
            {
                foreach (var image in images)
                {
                    if (PyJson.Get(image, "RepoTags") is JsonArray tags && tags.Any(t => PyJson.PyStr(t) == imageName))
                    {
                        string config = PyJson.PyStr(image!["Config"]);
                        var raw = archive.Small(config) is { } bytes ? Parse(archive, bytes) : null;
                        return raw is null ? null : WithArchitecture(raw);
                    }
                }
            }
            return null;
        }
        if (archive.Small("index.json") is not { } indexBytes)
            throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, "it has neither manifest.json nor index.json");
        string ociName = imageName.Contains('/', StringComparison.Ordinal) ? imageName : "docker.io/library/" + imageName;
        var index = Parse(archive, indexBytes);
        foreach (var manifest in index?["manifests"]?.AsArray() ?? [])
        {
            var annotations = manifest?["annotations"] as JsonObject;
            if (annotations is not null && PyJson.Str(annotations[ContainerdNameAnnotation]) is { Length: > 0 } annotated && annotated != ociName)
                continue;
            string mediaType = PyJson.Str(manifest?["mediaType"]) ?? "";
            if (mediaType is not (DockerManifestMediaType or OciManifestMediaType))
                continue;
            var nested = Parse(archive, Blob(archive, PyJson.PyStr(manifest!["digest"])));
            var raw = Parse(archive, Blob(archive, PyJson.PyStr(nested?["config"]?["digest"])));
            return raw is null ? null : WithArchitecture(raw);
        }
        return null;
    }

    /// <summary>
    /// The layer file names of the first image, in order, as dmverity-vhd v1.6 picks them, and the lines it prints
    /// before its hashes. v1.6 logs warnings to stdout, and confcom 1.2.7 takes every stdout line holding ": " as a
    /// layer hash: an archive without index.json (the legacy docker save layout) therefore gets the tail of the
    /// warning "Errored while trying to parse OCI format: …" as its first "layer". That is kept, since it is what
    /// the deployed policy then says.
    /// </summary>
    public static (List<string> Layers, List<string> WarningTails) FirstImageLayerFiles(ImageArchive archive)
    {
        var warnings = new List<string>();
        string? ociError = OciLayers(archive, out var ociLayers);
        if (ociError is null && ociLayers.Count > 0)
            return (ociLayers, warnings);
        if (ociError is not null)
            warnings.Add(LogrusTail(ociError));
        if (archive.Small("manifest.json") is { } manifestBytes && Parse(archive, manifestBytes) is JsonArray { Count: > 0 } images)
        {
            var layers = new List<string>();
            foreach (var layer in images[0]!["Layers"]?.AsArray() ?? [])
            {
                string name = PyJson.PyStr(layer);
                if (!archive.Contains(name))
                    throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, $"layer file {name} is missing");
                layers.Add(name);
            }
            if (layers.Count > 0)
                return (layers, warnings);
        }
        throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, "no image with layers was found in it");
    }

    /// <summary>dmverity-vhd's OCI pass: null and the layers, or the error it logs.</summary>
    private static string? OciLayers(ImageArchive archive, out List<string> layers)
    {
        layers = [];
        if (archive.Small("index.json") is not { } indexBytes)
            return "not able to parse in OCI format";
        JsonNode? index;
        try
        {
            index = PyJson.Parse(Encoding.UTF8.GetString(indexBytes));
        }
        catch (System.Text.Json.JsonException e)
        {
            return "failed parsing OCI index.json: " + e.Message;
        }
        if (index?["manifests"] is not JsonArray { Count: > 0 } manifests)
            return "no manifests found in OCI index.json";
        string mediaType = PyJson.Str(manifests[0]!["mediaType"]) ?? "";
        string digest = PyJson.Str(manifests[0]!["digest"]) ?? "";
        while (mediaType.Contains("index", StringComparison.Ordinal))
        {
            string indexPath = BlobPath(digest);
            if (archive.Small(indexPath) is not { } nestedBytes)
                return $"OCI index blob {indexPath} missing";
            var nested = PyJson.Parse(Encoding.UTF8.GetString(nestedBytes));
            if (nested?["manifests"] is not JsonArray { Count: > 0 } inner)
                return "no manifests found in OCI index file";
            mediaType = PyJson.Str(inner[0]!["mediaType"]) ?? "";
            digest = PyJson.Str(inner[0]!["digest"]) ?? "";
        }
        string manifestPath = BlobPath(digest);
        if (archive.Small(manifestPath) is not { } manifestBytes)
            return $"OCI manifest blob {manifestPath} missing";
        var manifest = PyJson.Parse(Encoding.UTF8.GetString(manifestBytes));
        foreach (var layer in manifest?["layers"]?.AsArray() ?? [])
        {
            string name = BlobPath(PyJson.PyStr(layer!["digest"]));
            if (!archive.Contains(name))
                return $"OCI layer blob {name} missing";
            layers.Add(name);
        }
        return null;
    }

    /// <summary>What confcom keeps of logrus's line level=warning msg="Errored …: ERR": the text after the first ": ".</summary>
    private static string LogrusTail(string error)
    {
        var quoted = new StringBuilder();
        foreach (char c in "Errored while trying to parse OCI format: " + error)
        {
            switch (c)
            {
                case '"': quoted.Append("\\\""); break;
                case '\\': quoted.Append("\\\\"); break;
                case '\n': quoted.Append("\\n"); break;
                case '\t': quoted.Append("\\t"); break;
                case '\r': quoted.Append("\\r"); break;
                default: quoted.Append(c); break;
            }
        }
        string line = "level=warning msg=\"" + quoted + "\"";
        return line[(line.IndexOf(": ", StringComparison.Ordinal) + 2)..];
    }

    private static JsonObject WithArchitecture(JsonNode raw)
    {
        var config = raw["config"] as JsonObject ?? [];
        config = (JsonObject)config.DeepClone();
        config["Architecture"] = raw["architecture"]?.DeepClone();
        return config;
    }

    private static string BlobPath(string digest)
    {
        int colon = digest.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? "blobs/" + digest : "blobs/" + digest[..colon] + "/" + digest[(colon + 1)..];
    }

    private static byte[] Blob(ImageArchive archive, string digest) =>
        archive.Small(BlobPath(digest)) ?? throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, $"blob {digest} is missing");

    private static JsonNode? Parse(ImageArchive archive, byte[] bytes)
    {
        try
        {
            return PyJson.Parse(Encoding.UTF8.GetString(bytes));
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, "a manifest or config is not valid JSON: " + e.Message);
        }
    }
}
