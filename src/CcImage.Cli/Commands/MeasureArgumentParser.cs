// Reads `ccimage measure`'s arguments with the conventions of the reference's Python argparse command line, so that
// scripts can switch between the two: `--opt value` and `--opt=value`, unambiguous prefixes of long options, the last
// occurrence winning, values that look like negative numbers accepted, choices checked as they are read.
using System.Numerics;
using CcImage.Core.Diagnostics;
using CcImage.Core.Snp;

namespace CcImage.Cli.Commands;

internal static class MeasureArgumentParser
{
    public static readonly string[] Modes = ["sev", "seves", "snp", "snp:ovmf-hash", "snp:svsm"];
    public static readonly string[] OutputFormats = ["hex", "base64"];

    private enum Kind { Flag, Value }

    private sealed record OptionSpec(string Name, Kind Kind, Action<MeasureOptions, string> Apply);

    private static readonly OptionSpec[] Specs =
    [
        new("--help", Kind.Flag, (o, _) => o.Help = true),
        new("--version", Kind.Flag, (o, _) => o.Version = true),
        new("--verbose", Kind.Flag, (o, _) => o.Verbose = true),
        new("--mode", Kind.Value, (o, v) => o.Mode = Choice(v, Modes, "--mode")),
        new("--vcpus", Kind.Value, (o, v) => o.Vcpus = Integer(v, "--vcpus", autoBase: false)),
        new("--vcpu-type", Kind.Value, (o, v) => o.VcpuType = VcpuType(v)),
        new("--vcpu-sig", Kind.Value, (o, v) => o.VcpuSig = Integer(v, "--vcpu-sig", autoBase: true)),
        new("--vcpu-family", Kind.Value, (o, v) => o.VcpuFamily = Integer(v, "--vcpu-family", autoBase: false)),
        new("--vcpu-model", Kind.Value, (o, v) => o.VcpuModel = Integer(v, "--vcpu-model", autoBase: false)),
        new("--vcpu-stepping", Kind.Value, (o, v) => o.VcpuStepping = Integer(v, "--vcpu-stepping", autoBase: false)),
        new("--vmm-type", Kind.Value, (o, v) => o.VmmType = v),
        new("--ovmf", Kind.Value, (o, v) => o.Ovmf = v),
        new("--kernel", Kind.Value, (o, v) => o.Kernel = v),
        new("--initrd", Kind.Value, (o, v) => o.Initrd = v),
        new("--append", Kind.Value, (o, v) => o.Append = v),
        new("--guest-features", Kind.Value, (o, v) => o.GuestFeatures = Integer(v, "--guest-features", autoBase: true)),
        new("--output-format", Kind.Value, (o, v) => o.OutputFormat = Choice(v, OutputFormats, "--output-format")),
        new("--snp-ovmf-hash", Kind.Value, (o, v) => o.SnpOvmfHash = v),
        new("--dump-vmsa", Kind.Flag, (o, _) => o.DumpVmsa = true),
        new("--svsm", Kind.Value, (o, v) => o.Svsm = v),
        new("--vars-size", Kind.Value, (o, v) =>
        {
            if (o.VarsFile != null) throw Usage("argument --vars-size: not allowed with argument --vars-file");
            o.VarsSize = Integer(v, "--vars-size", autoBase: false);
        }),
        new("--vars-file", Kind.Value, (o, v) =>
        {
            if (o.VarsSize != null) throw Usage("argument --vars-file: not allowed with argument --vars-size");
            o.VarsFile = v;
        }),
    ];

    private static readonly Dictionary<string, string> ShortOptions = new(StringComparer.Ordinal)
    {
        ["-h"] = "--help",
        ["-v"] = "--verbose",
    };

    /// <summary>Parses the arguments after `measure`; bad usage throws a CCIMG5019 error naming the problem.</summary>
    public static MeasureOptions Parse(IReadOnlyList<string> args)
    {
        // As argparse, every token is classified first (option or value), then options consume their values. There are
        // no positional arguments, so "--" and anything after it are unrecognized.
        int endOfOptions = args.Count;
        for (int i = 0; i < args.Count; i++)
            if (args[i] == "--")
                throw Usage("unrecognized arguments: " + string.Join(' ', args.Skip(i)));
        var classified = new (OptionSpec? Spec, string? ExplicitValue)?[endOfOptions];
        for (int i = 0; i < endOfOptions; i++)
            classified[i] = Classify(args[i]);

        var options = new MeasureOptions();
        for (int i = 0; i < endOfOptions; i++)
        {
            if (classified[i] is not ({ } spec, var explicitValue))
                throw Usage("unrecognized arguments: " + args[i]);
            if (spec.Kind == Kind.Flag)
            {
                if (explicitValue != null)
                    throw Usage($"argument {spec.Name}: ignored explicit argument '{explicitValue}'");
                spec.Apply(options, "");
                if (options.Help || options.Version)
                    return options;
                continue;
            }
            string value;
            if (explicitValue != null)
                value = explicitValue;
            else if (i + 1 < endOfOptions && classified[i + 1] is null)
                value = args[++i];
            else
                throw Usage($"argument {spec.Name}: expected one argument");
            spec.Apply(options, value);
        }
        if (options.Mode == null || options.Ovmf == null)
        {
            var missing = new[] { options.Mode == null ? "--mode" : null, options.Ovmf == null ? "--ovmf" : null };
            throw Usage("the following arguments are required: " + string.Join(", ", missing.Where(m => m != null)));
        }
        return options;
    }

    /// <summary>
    /// argparse's classification of one token: an option (with its value after '=' or after a short option), or null
    /// for a value. Exact names and '=' forms first, then unambiguous prefixes; a token that matches nothing is a value
    /// when it looks like a negative number or contains a space, and an unknown option (spec null) otherwise.
    /// </summary>
    private static (OptionSpec? Spec, string? ExplicitValue)? Classify(string token)
    {
        if (token.Length == 0 || token[0] != '-')
            return null;
        var exact = Find(token);
        if (exact != null)
            return (exact, null);
        if (token.Length == 1)
            return null;
        int eq = token.IndexOf('=');
        if (eq >= 0 && Find(token[..eq]) is { } withValue)
            return (withValue, token[(eq + 1)..]);

        var matches = new List<(OptionSpec Spec, string? ExplicitValue)>();
        if (token.StartsWith("--", StringComparison.Ordinal))
        {
            string prefix = eq >= 0 ? token[..eq] : token;
            string? value = eq >= 0 ? token[(eq + 1)..] : null;
            foreach (var spec in Specs)
                if (spec.Name.StartsWith(prefix, StringComparison.Ordinal))
                    matches.Add((spec, value));
        }
        else if (Find(token[..2]) is { } shortSpec)
        {
            // A single-dash token: "-vX" is -v with the explicit argument "X".
            matches.Add((shortSpec, token[2..]));
        }
        if (matches.Count > 1)
            throw Usage($"ambiguous option: {token} could match {string.Join(", ", matches.Select(m => m.Spec.Name))}");
        if (matches.Count == 1)
            return matches[0];
        if (IsNegativeNumber(token) || token.Contains(' '))
            return null;
        return (null, null);
    }

    private static OptionSpec? Find(string name) =>
        ShortOptions.TryGetValue(name, out string? longName)
            ? Array.Find(Specs, s => s.Name == longName)
            : Array.Find(Specs, s => s.Name == name);

    /// <summary>argparse's negative-number pattern: <c>^-\d+$|^-\d*\.\d+$</c>.</summary>
    private static bool IsNegativeNumber(string token)
    {
        var rest = token.AsSpan(1);
        int dot = rest.IndexOf('.');
        if (dot < 0)
            return rest.Length > 0 && AllDigits(rest);
        return AllDigits(rest[..dot]) && rest.Length > dot + 1 && AllDigits(rest[(dot + 1)..]);
    }

    private static bool AllDigits(ReadOnlySpan<char> s)
    {
        foreach (char c in s)
            if (!char.IsDigit(c))
                return false;
        return true;
    }

    private static string Choice(string value, string[] choices, string option) =>
        choices.Contains(value, StringComparer.Ordinal)
            ? value
            : throw Usage($"argument {option}: invalid choice: '{value}' (choose from {string.Join(", ", choices)})");

    private static string VcpuType(string value) =>
        VcpuSignature.TryGetByType(value, out _)
            ? value
            : throw Diag.Error(nameof(Strings.SnpUnknownVcpuType), value, string.Join(", ", VcpuSignature.Types.Select(t => t.Key)));

    private static BigInteger Integer(string value, string option, bool autoBase) =>
        IntegerLiteral.TryParse(value, autoBase, out var result) ? result : throw Diag.Error(nameof(Strings.SnpIntegerInvalid), value, option);

    private static CcImageException Usage(string reason) => Diag.Error(nameof(Strings.SnpUsage), reason);
}
