// Builds CcImageExceptions from the resource strings in Strings.resx, splitting off the CCIMG code each string starts with.
using System.Globalization;
using System.Resources;

namespace CcImage.Core.Diagnostics;

public static class Diag
{
    private static readonly ResourceManager Resources =
        new("CcImage.Core.Diagnostics.Strings", typeof(Diag).Assembly);

    /// <summary>An error built from the resource <paramref name="name"/> formatted with <paramref name="args"/>.</summary>
    public static CcImageException Error(string name, params object?[] args) => At(null, 0, name, args);

    /// <summary>As <see cref="Error"/>, pointing at a file and line.</summary>
    public static CcImageException At(string? file, int line, string name, params object?[] args)
    {
        var (code, text) = Format(name, args);
        return new CcImageException(code, text, file, line);
    }

    /// <summary>The code and the formatted text (without the code) of a resource string.</summary>
    public static (string Code, string Text) Format(string name, params object?[] args)
    {
        string template = Resources.GetString(name, CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"No diagnostic resource named '{name}'.");
        string full = args.Length == 0 ? template : string.Format(CultureInfo.InvariantCulture, template, args);
        int colon = full.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 && full.StartsWith("CCIMG", StringComparison.Ordinal)
            ? (full[..colon], full[(colon + 2)..])
            : throw new InvalidOperationException($"Diagnostic resource '{name}' does not start with a CCIMG code.");
    }

    /// <summary>Every resource name and its raw template, for tests and documentation checks.</summary>
    public static IEnumerable<KeyValuePair<string, string>> All()
    {
        var set = Resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)!;
        foreach (System.Collections.DictionaryEntry e in set)
            yield return new((string)e.Key, (string)e.Value!);
    }
}
