// One Debian package source of the machine (a deb822 paragraph or a one-line `deb` entry): its URI and keyring.
namespace CcImage.Core.Packages;

public sealed record AptSource(string Uri, IReadOnlyList<string> Suites, string? SignedBy)
{
    /// <summary>The archive keyring Debian installs; used when a source names none.</summary>
    public const string DefaultKeyring = "/usr/share/keyrings/debian-archive-keyring.gpg";

    /// <summary>True for the main archive (not the security or updates archive).</summary>
    public bool IsMainArchive => Suites.All(s => !s.Contains("-security", StringComparison.Ordinal)
                                                 && !s.Contains("/updates", StringComparison.Ordinal));

    /// <summary>The sources configured in <paramref name="aptEtc"/> (sources.list.d/*.sources, then sources.list), in order.</summary>
    public static List<AptSource> ReadConfigured(string aptEtc = "/etc/apt")
    {
        var sources = new List<AptSource>();
        string parts = Path.Combine(aptEtc, "sources.list.d");
        if (Directory.Exists(parts))
            foreach (string file in Directory.GetFiles(parts, "*.sources").Order(StringComparer.Ordinal))
                sources.AddRange(ParseDeb822(File.ReadAllText(file)));
        string list = Path.Combine(aptEtc, "sources.list");
        if (File.Exists(list))
            sources.AddRange(ParseOneLine(File.ReadAllLines(list)));
        if (Directory.Exists(parts))
            foreach (string file in Directory.GetFiles(parts, "*.list").Order(StringComparer.Ordinal))
                sources.AddRange(ParseOneLine(File.ReadAllLines(file)));
        return sources;
    }

    /// <summary>Paragraphs of a deb822 .sources file with Types including `deb` (and not Enabled: no).</summary>
    public static IEnumerable<AptSource> ParseDeb822(string text)
    {
        foreach (string paragraph in text.Replace("\r", "").Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            string? last = null;
            foreach (string line in paragraph.Split('\n'))
            {
                if (line.StartsWith('#') || line.Length == 0)
                    continue;
                if (char.IsWhiteSpace(line[0]) && last != null)
                {
                    fields[last] += " " + line.Trim();
                    continue;
                }
                int colon = line.IndexOf(':');
                if (colon <= 0)
                    continue;
                last = line[..colon].Trim();
                fields[last] = line[(colon + 1)..].Trim();
            }
            if (!fields.TryGetValue("Types", out string? types) || !types.Split(' ').Contains("deb")
                || (fields.TryGetValue("Enabled", out string? enabled) && enabled.Equals("no", StringComparison.OrdinalIgnoreCase))
                || !fields.TryGetValue("URIs", out string? uris))
                continue;
            var suites = fields.TryGetValue("Suites", out string? s) ? s.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
            string? signedBy = fields.TryGetValue("Signed-By", out string? k) && k.StartsWith('/') ? k.Split(' ')[0] : null;
            foreach (string uri in uris.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                yield return new AptSource(uri, suites, signedBy);
        }
    }

    /// <summary>`deb [options] URI suite component...` lines.</summary>
    public static IEnumerable<AptSource> ParseOneLine(IEnumerable<string> lines)
    {
        foreach (string raw in lines)
        {
            string line = raw.Split('#')[0].Trim();
            if (!line.StartsWith("deb ", StringComparison.Ordinal))
                continue;
            string rest = line[4..].Trim();
            string? signedBy = null;
            if (rest.StartsWith('['))
            {
                int close = rest.IndexOf(']');
                if (close < 0)
                    continue;
                foreach (string option in rest[1..close].Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    if (option.StartsWith("signed-by=", StringComparison.OrdinalIgnoreCase))
                        signedBy = option["signed-by=".Length..];
                rest = rest[(close + 1)..].Trim();
            }
            var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2)
                yield return new AptSource(words[0], [words[1]], signedBy);
        }
    }
}
