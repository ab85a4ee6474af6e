// Reads `ccimage aci policygen` arguments with the option names of `az confcom acipolicygen` (confcom 1.2.7):
// --template-file/-a, --parameters/-p, --tar, --outraw, --outraw-pretty-print, --print-policy, --debug-mode,
// --omit-id, --disable-stdio, --exclude-default-fragments/-e, --approve-wildcards/-y; `--opt=value` works too, and
// a long option may be shortened to any unambiguous prefix, as the Azure CLI's parser allows.
using CcImage.Core.Aci.Policy;

namespace CcImage.Cli.Commands;

internal static class PolicyGenArguments
{
    private static readonly string[] ValueOptions = ["--template-file", "--parameters", "--tar"];
    private static readonly string[] FlagOptions =
    [
        "--outraw", "--outraw-pretty-print", "--print-policy", "--debug-mode", "--omit-id", "--disable-stdio",
        "--exclude-default-fragments", "--approve-wildcards",
    ];

    /// <summary>The options, or an error message for a usage line.</summary>
    public static (PolicyGenOptions? Options, string? Error) Parse(string[] args)
    {
        string? template = null, parameters = null, tar = null;
        var flags = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            string? inlineValue = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Contains('=', StringComparison.Ordinal))
            {
                inlineValue = arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..];
                arg = arg[..arg.IndexOf('=', StringComparison.Ordinal)];
            }
            string? name = arg switch
            {
                "-a" => "--template-file",
                "-p" => "--parameters",
                "-y" => "--approve-wildcards",
                "-e" => "--exclude-default-fragments",
                _ when arg.StartsWith("--", StringComparison.Ordinal) => Resolve(arg),
                _ => null,
            };
            if (name is null)
                return (null, $"unrecognized argument '{args[i]}'");
            if (name.StartsWith('!'))
                return (null, name[1..]);
            if (ValueOptions.Contains(name))
            {
                string? value = inlineValue ?? (i + 1 < args.Length ? args[++i] : null);
                if (value is null)
                    return (null, $"{name} expects a value");
                switch (name)
                {
                    case "--template-file": template = value; break;
                    case "--parameters": parameters = value; break;
                    default: tar = value; break;
                }
            }
            else
            {
                if (inlineValue is not null)
                    return (null, $"{name} takes no value");
                flags.Add(name);
            }
        }
        if (template is null)
            return (null, "policygen needs an ARM template (-a TEMPLATE)");
        var mode = flags.Contains("--outraw") ? PolicyOutputMode.Raw
            : flags.Contains("--outraw-pretty-print") ? PolicyOutputMode.PrettyPrint
            : flags.Contains("--print-policy") ? PolicyOutputMode.PrintBase64
            : PolicyOutputMode.Inject;
        return (new PolicyGenOptions
        {
            TemplatePath = template,
            ParametersPath = parameters,
            TarMapping = tar,
            Mode = mode,
            DebugMode = flags.Contains("--debug-mode"),
            OmitId = flags.Contains("--omit-id"),
            DisableStdio = flags.Contains("--disable-stdio"),
            ExcludeDefaultFragments = flags.Contains("--exclude-default-fragments"),
            ApproveWildcards = flags.Contains("--approve-wildcards"),
        }, null);
    }

    private static string Resolve(string arg)
    {
        var all = ValueOptions.Concat(FlagOptions).ToList();
        if (all.Contains(arg))
            return arg;
        var candidates = all.Where(o => o.StartsWith(arg, StringComparison.Ordinal)).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => $"!unrecognized argument '{arg}'",
            _ => $"!ambiguous option '{arg}' could match {string.Join(", ", candidates)}",
        };
    }
}
