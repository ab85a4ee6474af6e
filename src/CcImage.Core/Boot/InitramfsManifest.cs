// The cache manifest of an initramfs (mkosi's cache_manifest idea): exactly what its bytes depend on — the builder's
// format version, the embedded init script, the kernel version, the layout file, the extra modules, SOURCE_DATE_EPOCH,
// and either the root tree's cache key or, file by file, what was taken from the tree (path, mode, SHA-256, link
// targets). Canonical JSON (fixed key order, sorted lists); Key is its SHA-256.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CcImage.Core.Cpio;

namespace CcImage.Core.Boot;

public sealed record InitramfsManifest(string Json)
{
    /// <summary>SHA-256 (hex) of <see cref="Json"/>: two initramfs with the same key have the same bytes.</summary>
    public string Key { get; } = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Json))).ToLowerInvariant();

    /// <summary>
    /// The manifest of <paramref name="request"/>: with a root tree key, that key stands for every file from the tree
    /// (<paramref name="contents"/> may be null); without one, <paramref name="contents"/> is listed file by file.
    /// </summary>
    public static InitramfsManifest From(InitramfsRequest request, InitramfsContents? contents, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("kind", "initramfs");
            json.WriteNumber("format_version", InitramfsBuilder.FormatVersion);
            json.WriteString("init_sha256", BootAssets.InitScriptHash);
            json.WriteString("kernel_version", request.KernelVersion);
            json.WriteString("layout", BootLayoutFile.Write(request.Layout));
            json.WriteStartArray("extra_modules");
            foreach (string module in request.ExtraModules)
                json.WriteStringValue(module);
            json.WriteEndArray();
            json.WriteNumber("source_date_epoch", request.SourceDateEpoch);
            if (request.RootTreeKey is { } key)
                json.WriteString("root_tree_key", key);
            else
            {
                ArgumentNullException.ThrowIfNull(contents);
                json.WriteStartArray("files");
                foreach (var (path, _) in contents.Selection.Files)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    string host = contents.Selection.Tree.HostPath(path);
                    json.WriteStartObject();
                    json.WriteString("path", path);
                    json.WriteString("mode", Convert.ToString(UnixFileStatus.TryGet(host)?.Permissions ?? 0, 8));
                    json.WriteString("sha256", Hashing.FileHash.Sha256Hex(host));
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                json.WriteStartArray("links");
                foreach (var (path, target) in contents.Selection.Links.Concat(contents.AppletLinks).OrderBy(l => l.Key, StringComparer.Ordinal))
                    json.WriteStringValue(path + " -> " + target);
                json.WriteEndArray();
                json.WriteStartArray("modules");
                foreach (var module in contents.Modules)
                    json.WriteStringValue(string.Create(CultureInfo.InvariantCulture, $"{(module.Optional ? "optional" : "required")} {module.RelativePath}"));
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        return new InitramfsManifest(Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal));
    }
}
