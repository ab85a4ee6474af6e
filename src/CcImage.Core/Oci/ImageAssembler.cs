// Builds a new image from a base image archive and extra layers, without a container engine: the base image's
// layers are copied (decompressed, so each blob digest is its diff_id), the new layers appended, and the config
// updated (layer list, history, environment, working directory, command) with every time set to SOURCE_DATE_EPOCH.
// Spec: OCI image-spec config.md (rootfs.diff_ids, history, config.Env/Cmd/WorkingDir/ExposedPorts).
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Oci;

public static class ImageAssembler
{
    /// <summary>A layer to add, with the history line that describes it.</summary>
    public sealed record AddedLayer(OciLayer Layer, string CreatedBy);

    public sealed record ConfigChanges(
        IReadOnlyList<KeyValuePair<string, string>> Environment,
        string? WorkingDir,
        IReadOnlyList<string>? Command,
        IReadOnlyList<int> ExposedTcpPorts);

    /// <summary>Writes the assembled image to <paramref name="outputArchive"/>; <paramref name="workDir"/> holds the base layers meanwhile.</summary>
    public static OciArchiveWriter.Result Assemble(string baseArchive, string imageName, IReadOnlyList<AddedLayer> added,
        ConfigChanges changes, long epoch, string workDir, string outputArchive, CancellationToken cancellationToken)
    {
        var archive = ImageArchive.Open(baseArchive);
        var (configBytes, layerFiles) = FirstImage(archive);
        var config = JsonNode.Parse(configBytes) as JsonObject
            ?? throw Diag.Error(nameof(Strings.AciArchiveInvalid), baseArchive, "its image config is not a JSON object");

        Directory.CreateDirectory(workDir);
        var baseLayers = new Dictionary<string, OciLayer>(StringComparer.Ordinal);
        archive.ReadEntries(layerFiles.ToHashSet(StringComparer.Ordinal), (name, data) =>
        {
            string path = Path.Combine(workDir, "base-" + baseLayers.Count.ToString(CultureInfo.InvariantCulture) + ".tar");
            using (var output = File.Create(path))
                Decompressed(data).CopyTo(output);
            baseLayers[name] = OciLayer.FromFile(path);
        });
        var layers = layerFiles.Select(f => baseLayers[f]).Concat(added.Select(a => a.Layer)).ToList();

        string created = DateTimeOffset.FromUnixTimeSeconds(epoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        config["created"] = created;
        var rootfs = config["rootfs"] as JsonObject ?? [];
        rootfs["type"] = "layers";
        rootfs["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode)l.Digest).ToArray());
        config["rootfs"] = rootfs;
        var history = config["history"] as JsonArray ?? [];
        foreach (var a in added)
            history.Add((JsonNode)new JsonObject { ["created"] = created, ["created_by"] = a.CreatedBy });
        config["history"] = history;
        var inner = config["config"] as JsonObject ?? [];
        config["config"] = inner;
        var env = (inner["Env"] as JsonArray)?.Select(e => e!.GetValue<string>()).ToList() ?? [];
        foreach (var (key, value) in changes.Environment)
        {
            env.RemoveAll(e => e.StartsWith(key + "=", StringComparison.Ordinal));
            env.Add(key + "=" + value);
        }
        inner["Env"] = new JsonArray(env.Select(e => (JsonNode)e).ToArray());
        if (changes.WorkingDir is not null)
            inner["WorkingDir"] = changes.WorkingDir;
        if (changes.Command is not null)
        {
            inner["Entrypoint"] = null;
            inner["Cmd"] = new JsonArray(changes.Command.Select(c => (JsonNode)c).ToArray());
        }
        if (changes.ExposedTcpPorts.Count > 0)
        {
            var ports = inner["ExposedPorts"] as JsonObject ?? [];
            foreach (int port in changes.ExposedTcpPorts.Order())
                ports[port.ToString(CultureInfo.InvariantCulture) + "/tcp"] = new JsonObject();
            inner["ExposedPorts"] = ports;
        }
        byte[] newConfig = Encoding.UTF8.GetBytes(config.ToJsonString());
        return OciArchiveWriter.Write(outputArchive, imageName, newConfig, layers, epoch, cancellationToken);
    }

    /// <summary>
    /// A base image archive made from a root file system tar (as mmdebstrap writes it): one layer, amd64/linux,
    /// PATH set and /bin/bash as command, created at SOURCE_DATE_EPOCH.
    /// </summary>
    public static OciArchiveWriter.Result FromRootfs(string rootfsTar, string imageName, long epoch, string outputArchive,
        CancellationToken cancellationToken)
    {
        Config.InputFile.Require(rootfsTar, "the root file system tar");
        var layer = OciLayer.FromFile(rootfsTar);
        string created = DateTimeOffset.FromUnixTimeSeconds(epoch).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var config = new JsonObject
        {
            ["architecture"] = "amd64",
            ["os"] = "linux",
            ["created"] = created,
            ["config"] = new JsonObject
            {
                ["Env"] = new JsonArray("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
                ["Cmd"] = new JsonArray("/bin/bash"),
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(layer.Digest) },
            ["history"] = new JsonArray(new JsonObject { ["created"] = created, ["created_by"] = "ccimage: root file system " + Path.GetFileName(rootfsTar) }),
        };
        return OciArchiveWriter.Write(outputArchive, imageName, Encoding.UTF8.GetBytes(config.ToJsonString()), [layer], epoch, cancellationToken);
    }

    private static Stream Decompressed(Stream data)
    {
        var magic = new byte[2];
        int n = data.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        var whole = new Aci.PrefixedStream(magic[..n], data);
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(whole, CompressionMode.Decompress) : whole;
    }

    /// <summary>The config bytes and layer file names of the archive's first image (OCI index first, else manifest.json).</summary>
    private static (byte[] Config, List<string> Layers) FirstImage(ImageArchive archive)
    {
        if (archive.Small("index.json") is { } indexBytes && JsonNode.Parse(indexBytes)?["manifests"] is JsonArray { Count: > 0 } manifests)
        {
            var manifest = JsonNode.Parse(Blob(archive, manifests[0]!["digest"]!.GetValue<string>()))!;
            if (manifest["config"] is not null)
                return (Blob(archive, manifest["config"]!["digest"]!.GetValue<string>()),
                    manifest["layers"]!.AsArray().Select(l => "blobs/" + l!["digest"]!.GetValue<string>().Replace(':', '/')).ToList());
        }
        if (archive.Small("manifest.json") is { } manifestBytes && JsonNode.Parse(manifestBytes) is JsonArray { Count: > 0 } images)
        {
            string configName = images[0]!["Config"]!.GetValue<string>();
            return (archive.Small(configName) ?? throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, $"config {configName} is missing"),
                images[0]!["Layers"]!.AsArray().Select(l => l!.GetValue<string>()).ToList());
        }
        throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, "it holds no image");
    }

    private static byte[] Blob(ImageArchive archive, string digest) =>
        archive.Small("blobs/" + digest.Replace(':', '/')) ?? throw Diag.Error(nameof(Strings.AciArchiveInvalid), archive.Path, $"blob {digest} is missing");
}
