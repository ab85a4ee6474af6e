// Reads one YAML file into YamlDotNet's representation model (nodes that remember their line) and classifies scalars
// the way NVFlare's yaml.safe_load (YAML 1.1 core types) sees them: null, booleans, integers, floats, strings — a
// quoted scalar is always a string. The cc_config and project.yml readers build their models on it, so every error can
// name the file, the line and the key path.
// Spec: YAML 1.2 core schema (yaml.org/spec/1.2.2, 10.3) and PyYAML's resolver for the plain-scalar forms it accepts.
using System.Globalization;
using System.Text.RegularExpressions;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CcImage.Core.Provisioning;

public static partial class YamlDocument
{
    /// <summary>The root node of the first document of <paramref name="path"/> (null for an empty file).</summary>
    /// <param name="what">What the file is, for the bounded-read check's message (e.g. "the cc_config").</param>
    public static YamlNode? Load(string path, string what)
    {
        InputFile.Require(path, what, InputFile.MaxTextBytes);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            string reason = (e.InnerException?.Message ?? e.Message).TrimEnd('.');
            throw Diag.At(path, LineOf(e.Start), nameof(Strings.ProvisionYamlInvalid), path, LineOf(e.Start), reason);
        }
        return stream.Documents.Count == 0 ? null : stream.Documents[0].RootNode;
    }

    /// <summary>The 1-based line of <paramref name="node"/>.</summary>
    public static int Line(YamlNode node) => LineOf(node.Start);

    private static int LineOf(Mark mark) => (int)Math.Clamp(mark.Line, 1, int.MaxValue);

    /// <summary>True for an empty or null scalar (<c>~</c>, <c>null</c>, nothing).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s
        && (string.IsNullOrEmpty(s.Value) || NullForms.Contains(s.Value));

    /// <summary>The integer a plain scalar holds (decimal, 0x hex, 0o octal, optional sign), or null.</summary>
    public static long? AsInteger(YamlNode node)
    {
        if (node is not YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } text })
            return null;
        text = text.Replace("_", "", StringComparison.Ordinal);
        if (DecimalInteger().IsMatch(text))
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long d) ? d : null;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && text.Length > 2)
            return long.TryParse(text[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out long h) ? h : null;
        return null;
    }

    /// <summary>The number (integer or float) a plain scalar holds, or null.</summary>
    public static double? AsNumber(YamlNode node)
    {
        if (AsInteger(node) is { } i)
            return i;
        if (node is not YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } text } || !FloatForm().IsMatch(text))
            return null;
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double f) && double.IsFinite(f) ? f : null;
    }

    /// <summary>The boolean a plain scalar holds (true/false and YAML 1.1's yes/no/on/off), or null.</summary>
    public static bool? AsBoolean(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: { } text }
            ? TrueForms.Contains(text) ? true : FalseForms.Contains(text) ? false : null
            : null;

    /// <summary>The text of a scalar that is a string to safe_load (quoted, or plain and not a null, number or boolean).</summary>
    public static string? AsString(YamlNode node)
    {
        if (node is not YamlScalarNode s || s.Value is null)
            return null;
        if (s.Style is ScalarStyle.Plain or ScalarStyle.Any && (IsNull(node) || AsNumber(node) != null || AsBoolean(node) != null))
            return null;
        return s.Value;
    }

    /// <summary>What a node is, in words, for "must be X, not Y" messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "empty",
        _ when AsInteger(node) is { } i => "the number " + i.ToString(CultureInfo.InvariantCulture),
        _ when AsNumber(node) is { } f => "the number " + f.ToString(CultureInfo.InvariantCulture),
        _ when AsBoolean(node) is { } b => "the boolean " + (b ? "true" : "false"),
        YamlScalarNode { Value: { } v } => $"the string '{Shorten(v)}'",
        _ => "an unknown node",
    };

    /// <summary>The key text of a mapping entry (keys that are not scalars give their description).</summary>
    public static string KeyText(YamlNode key) => key is YamlScalarNode { Value: { } v } ? v : Describe(key);

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static readonly HashSet<string> NullForms = new(StringComparer.Ordinal) { "~", "null", "Null", "NULL" };
    private static readonly HashSet<string> TrueForms = new(StringComparer.Ordinal) { "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON" };
    private static readonly HashSet<string> FalseForms = new(StringComparer.Ordinal) { "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF" };

    [GeneratedRegex(@"^[-+]?[0-9]+$")]
    private static partial Regex DecimalInteger();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatForm();
}
