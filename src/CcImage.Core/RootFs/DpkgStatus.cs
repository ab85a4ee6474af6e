// Reads dpkg's database of installed packages, /var/lib/dpkg/status: deb822 paragraphs (deb822(5); Debian Policy
// §5.1, continuation lines start with a blank) of which those whose Status is `install ok installed` are installed.
namespace CcImage.Core.RootFs;

public static class DpkgStatus
{
    public const string PathInRoot = "var/lib/dpkg/status";
    private const string Installed = "install ok installed";

    /// <summary>The installed packages listed in <paramref name="statusText"/>, sorted by name then architecture.</summary>
    public static List<LockedPackage> InstalledPackages(string statusText)
    {
        var result = new List<LockedPackage>();
        foreach (var fields in Paragraphs(statusText))
        {
            if (fields.TryGetValue("Status", out string? status) && status == Installed
                && fields.TryGetValue("Package", out string? name) && fields.TryGetValue("Version", out string? version))
                result.Add(new LockedPackage(name, version, fields.GetValueOrDefault("Architecture") ?? "all"));
        }
        result.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name) is var c && c != 0 ? c : string.CompareOrdinal(a.Architecture, b.Architecture));
        return result;
    }

    /// <summary>The fields of each paragraph (first line of multi-line values only; this reader needs no more).</summary>
    public static IEnumerable<Dictionary<string, string>> Paragraphs(string text)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (string raw in text.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
        {
            if (raw.Length == 0)
            {
                if (fields.Count > 0)
                    yield return fields;
                fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                continue;
            }
            if (raw[0] is ' ' or '\t' or '#')
                continue;
            int colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
                fields[raw[..colon]] = raw[(colon + 1)..].Trim();
        }
        if (fields.Count > 0)
            yield return fields;
    }
}
