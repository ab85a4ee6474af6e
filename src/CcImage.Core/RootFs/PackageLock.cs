// A package lock: every package of a root filesystem with its exact version and architecture, written as canonical
// JSON after a build and honoured by the next one (RootFsBuilder pins each version with apt preferences and fails with
// CCIMG4101 when the mirror no longer has one). The mirror is not part of the lock, so the same lock can be replayed
// against a snapshot mirror taken when it was written.
using System.Text.Json;
using System.Text.Json.Nodes;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.RootFs;

public sealed record PackageLock(string Distribution, string Suite, string Architecture, IReadOnlyList<LockedPackage> Packages)
{
    public const int FormatVersion = 1;

    /// <summary>The lock as canonical JSON (packages sorted by name and architecture).</summary>
    public string ToJson() => CanonicalJson.Serialize(ToNode());

    /// <summary>The lock as a JSON node (for embedding in a cache manifest).</summary>
    public JsonObject ToNode() => new()
    {
        ["formatVersion"] = FormatVersion,
        ["distribution"] = Distribution,
        ["suite"] = Suite,
        ["architecture"] = Architecture,
        ["packages"] = new JsonArray(Sorted(Packages).Select(p => (JsonNode)new JsonObject
        {
            ["name"] = p.Name,
            ["version"] = p.Version,
            ["architecture"] = p.Architecture,
        }).ToArray()),
    };

    /// <summary>Writes the lock to <paramref name="path"/> through a temp file beside it.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Reads a lock file; CCIMG4111 when it is missing or malformed.</summary>
    public static PackageLock Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Diag.Error(nameof(Strings.RootFsLockInvalid), path, e.Message);
        }
        return Parse(text, path);
    }

    /// <summary>Parses lock text; <paramref name="origin"/> names it in errors (CCIMG4111).</summary>
    public static PackageLock Parse(string json, string origin)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            int version = root.GetProperty("formatVersion").GetInt32();
            if (version != FormatVersion)
                throw Diag.Error(nameof(Strings.RootFsLockInvalid), origin, $"it has format version {version}, this CcImage reads {FormatVersion}");
            var packages = new List<LockedPackage>();
            var seen = new HashSet<(string, string)>();
            foreach (var entry in root.GetProperty("packages").EnumerateArray())
            {
                var package = new LockedPackage(Text(entry, "name"), Text(entry, "version"), Text(entry, "architecture"));
                if (!RootFsNames.IsPackageName(package.Name) || !RootFsNames.IsVersion(package.Version) || !RootFsNames.IsArchitecture(package.Architecture))
                    throw Diag.Error(nameof(Strings.RootFsLockInvalid), origin, $"the entry {package.Name} {package.Version} {package.Architecture} is not a package name, version and architecture");
                if (!seen.Add((package.Name, package.Architecture)))
                    throw Diag.Error(nameof(Strings.RootFsLockInvalid), origin, $"{package.Name} ({package.Architecture}) is listed twice");
                packages.Add(package);
            }
            return new PackageLock(Text(root, "distribution"), Text(root, "suite"), Text(root, "architecture"), Sorted(packages));
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw Diag.Error(nameof(Strings.RootFsLockInvalid), origin, e.Message);
        }
    }

    /// <summary>The version the lock gives <paramref name="name"/>, or null when it does not list it.</summary>
    public LockedPackage? Find(string name) => Packages.FirstOrDefault(p => p.Name == name);

    private static string Text(JsonElement element, string property) =>
        element.GetProperty(property).GetString() ?? throw new FormatException($"'{property}' is null");

    private static List<LockedPackage> Sorted(IEnumerable<LockedPackage> packages) =>
        packages.OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Architecture, StringComparer.Ordinal).ToList();
}
