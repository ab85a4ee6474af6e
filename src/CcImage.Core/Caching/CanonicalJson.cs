// Canonical JSON for cache manifests and lock files: object keys sorted by ordinal, two-space indentation, "\n" line
// ends and a final newline, so the same content always gives the same bytes (and the same SHA-256 as a cache key).
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CcImage.Core.Caching;

public static class CanonicalJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        // Keep non-ASCII text and characters such as '+' and '<' readable; the output is a file, not HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The canonical text of <paramref name="node"/>.</summary>
    public static string Serialize(JsonNode? node)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
            Write(writer, node);
        // Utf8JsonWriter indents with Environment.NewLine; fix it to "\n" so Windows and Linux agree.
        return Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n";
    }

    private static void Write(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    Write(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                    Write(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
