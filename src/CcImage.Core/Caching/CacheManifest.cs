// What invalidates one cache entry, in the manner of mkosi's cache manifest: named values, file digests and the keys
// of the entries it was made from, written as canonical JSON (sorted names, no whitespace). The entry's key is the
// SHA-256 of that text, so the same inputs on any machine and in any checkout give the same key: values are never
// absolute paths of the build machine, files enter by content.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CcImage.Core.Hashing;

namespace CcImage.Core.Caching;

public sealed class CacheManifest
{
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <param name="kind">What the entry holds (rootfs, partition, initramfs, ...); part of the key.</param>
    /// <param name="formatVersion">Bumped whenever the code that builds the entry changes its bytes.</param>
    public CacheManifest(string kind, int formatVersion)
    {
        Kind = kind;
        Add("kind", kind);
        Add("format", formatVersion.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public string Kind { get; }

    /// <summary>Adds a named value; adding the same name twice is a programming error.</summary>
    public CacheManifest Add(string name, string? value)
    {
        if (!_values.TryAdd(name, value ?? ""))
            throw new ArgumentException($"The cache manifest already has '{name}'.", nameof(name));
        return this;
    }

    /// <summary>Adds a file by its SHA-256 (its path does not matter).</summary>
    public CacheManifest AddFile(string name, string path) => Add(name, "sha256:" + FileHash.Sha256Hex(path));

    /// <summary>Adds a folder by the fingerprint of its tree (TreeFingerprint).</summary>
    public CacheManifest AddFolder(string name, string path) => Add(name, "tree:" + TreeFingerprint.Compute(path));

    /// <summary>Adds the key of another entry this one is made from.</summary>
    public CacheManifest AddEntry(string name, CacheManifest other) => Add(name, "entry:" + other.Key);

    /// <summary>The canonical JSON text.</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in _values)
                writer.WriteString(name, value);
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The entry's key: lower-case hex SHA-256 of <see cref="ToJson"/>.</summary>
    public string Key => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ToJson()))).ToLowerInvariant();
}
