// manifest.json: every artifact a build left in the output folder with its name (relative to that folder), size and
// SHA-256, sorted by name, so a third party can check a rebuild or a download file by file. Written temp-then-rename.
using System.Text.Json;
using CcImage.Core.Caching;
using CcImage.Core.Hashing;

namespace CcImage.Core.Pipeline;

public static class ArtifactManifest
{
    public const string FileName = "manifest.json";

    public sealed record Artifact(string Name, long Size, string Sha256);

    /// <summary>Lists <paramref name="files"/> (paths inside <paramref name="outputDirectory"/>) into manifest.json there;
    /// <paramref name="digests"/>, when given, remembers the hashes of files that did not change since the last build.</summary>
    public static IReadOnlyList<Artifact> Write(string outputDirectory, IEnumerable<string> files, FileDigestCache? digests = null)
    {
        string root = Path.GetFullPath(outputDirectory);
        var artifacts = files
            .Select(Path.GetFullPath)
            .Distinct(StringComparer.Ordinal)
            .Where(f => Path.GetFileName(f) != FileName && File.Exists(f))
            .Select(f => new Artifact(Path.GetRelativePath(root, f).Replace('\\', '/'), new FileInfo(f).Length, digests?.Sha256Hex(f) ?? FileHash.Sha256Hex(f)))
            .OrderBy(a => a.Name, StringComparer.Ordinal)
            .ToList();
        AtomicFile.WriteAllBytes(Path.Combine(root, FileName), ToJson(artifacts));
        return artifacts;
    }

    /// <summary>The manifest.json bytes for <paramref name="artifacts"/>, in the order given.</summary>
    public static byte[] ToJson(IEnumerable<Artifact> artifacts)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("artifacts");
            foreach (var a in artifacts)
            {
                json.WriteStartObject();
                json.WriteString("name", a.Name);
                json.WriteNumber("size", a.Size);
                json.WriteString("sha256", a.Sha256);
                json.WriteEndObject();
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }
}
