// JSON text and value semantics as Python's json module and built-ins give them, because `az confcom` builds the
// policy with json.dumps (sort_keys, ensure_ascii, its separators and indentation), formats values with str() and
// tests them for truth the Python way; the bytes of the policy depend on each of these.
// Spec: Python 3 documentation, json.dumps / json.loads; "Truth Value Testing"; repr() of str, int, float, list, dict.
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CcImage.Core.Aci.Policy;

internal static class PyJson
{
    private static readonly JsonNodeOptions NodeOptions = new() { PropertyNameCaseInsensitive = false };
    private static readonly JsonDocumentOptions DocumentOptions = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    public static JsonNode? Parse(string text) => JsonNode.Parse(text, NodeOptions, DocumentOptions);

    public static JsonNode? Clone(JsonNode? node) => node?.DeepClone();

    // ---- truth, type tests ----

    public static bool Truthy(JsonNode? node) => node switch
    {
        null => false,
        JsonArray a => a.Count > 0,
        JsonObject o => o.Count > 0,
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.String => v.GetValue<string>().Length > 0,
            JsonValueKind.Number => !IsZeroNumber(NumberText(v)),
            JsonValueKind.Null => false,
            _ => true,
        },
        _ => true,
    };

    private static bool IsZeroNumber(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d == 0;

    public static bool IsString(JsonNode? node) => node is JsonValue v && v.GetValueKind() == JsonValueKind.String;

    public static bool IsBool(JsonNode? node) => node is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False;

    /// <summary>Python int (bool counts as int, as isinstance(True, int) holds).</summary>
    public static bool IsInt(JsonNode? node) =>
        IsBool(node) || (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && IsIntegerText(NumberText(v)));

    public static string? Str(JsonNode? node) => IsString(node) ? node!.GetValue<string>() : null;

    private static bool IsIntegerText(string text) => !text.Contains('.', StringComparison.Ordinal) && !text.Contains('e', StringComparison.OrdinalIgnoreCase);

    private static string NumberText(JsonValue v) => v.ToJsonString();

    /// <summary>The integer value of a Python int (bools as 0/1).</summary>
    public static System.Numerics.BigInteger IntValue(JsonNode node) =>
        IsBool(node) ? (node.GetValue<bool>() ? 1 : 0) : System.Numerics.BigInteger.Parse(NumberText((JsonValue)node), CultureInfo.InvariantCulture);

    // ---- the case-insensitive lookup of azext_confcom (template_util.case_insensitive_dict_get) ----

    public static JsonNode? Get(JsonNode? dictionary, string key)
    {
        if (dictionary is not JsonObject o)
            return null;
        if (o.TryGetPropertyValue(key, out var exact) && Truthy(exact))
            return exact;
        foreach (var (k, v) in o)
            if (string.Equals(k.ToLowerInvariant(), key.ToLowerInvariant(), StringComparison.Ordinal))
                return v;
        return null;
    }

    /// <summary>True when <paramref name="node"/> holds a value for the key (even a JSON null): distinguishes Python's None-by-absence.</summary>
    public static bool GetFound(JsonNode? dictionary, string key, out JsonNode? value)
    {
        value = null;
        if (dictionary is not JsonObject o)
            return false;
        if (o.TryGetPropertyValue(key, out var exact) && Truthy(exact))
        {
            value = exact;
            return true;
        }
        foreach (var (k, v) in o)
            if (string.Equals(k.ToLowerInvariant(), key.ToLowerInvariant(), StringComparison.Ordinal))
            {
                value = v;
                return true;
            }
        return false;
    }

    // ---- json.dumps ----

    /// <summary>json.dumps(x, separators=(",", ":"), sort_keys=True).</summary>
    public static string DumpsCompactSorted(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys: true, indent: null, level: 0, compact: true);
        return sb.ToString();
    }

    /// <summary>json.dumps(x, indent=2, sort_keys=True).</summary>
    public static string DumpsPrettySorted(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys: true, indent: 2, level: 0, compact: false);
        return sb.ToString();
    }

    /// <summary>json.dumps(x, indent=2) (key order kept).</summary>
    public static string DumpsIndented(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys: false, indent: 2, level: 0, compact: false);
        return sb.ToString();
    }

    /// <summary>json.dumps(x, separators=(",", ":")) (key order kept).</summary>
    public static string DumpsCompact(JsonNode? node)
    {
        var sb = new StringBuilder();
        Write(sb, node, sortKeys: false, indent: null, level: 0, compact: true);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, JsonNode? node, bool sortKeys, int? indent, int level, bool compact)
    {
        string itemSeparator = indent is null ? (compact ? "," : ", ") : ",";
        string keySeparator = compact ? ":" : ": ";
        switch (node)
        {
            case null:
                sb.Append("null");
                return;
            case JsonObject o:
            {
                if (o.Count == 0)
                {
                    sb.Append("{}");
                    return;
                }
                var entries = o.ToList();
                if (sortKeys)
                    entries.Sort((a, b) => ComparePython(a.Key, b.Key));
                sb.Append('{');
                bool first = true;
                foreach (var (k, v) in entries)
                {
                    if (!first)
                        sb.Append(itemSeparator);
                    first = false;
                    NewLine(sb, indent, level + 1);
                    WriteString(sb, k);
                    sb.Append(keySeparator);
                    Write(sb, v, sortKeys, indent, level + 1, compact);
                }
                NewLine(sb, indent, level);
                sb.Append('}');
                return;
            }
            case JsonArray a:
            {
                if (a.Count == 0)
                {
                    sb.Append("[]");
                    return;
                }
                sb.Append('[');
                for (int i = 0; i < a.Count; i++)
                {
                    if (i > 0)
                        sb.Append(itemSeparator);
                    NewLine(sb, indent, level + 1);
                    Write(sb, a[i], sortKeys, indent, level + 1, compact);
                }
                NewLine(sb, indent, level);
                sb.Append(']');
                return;
            }
            case JsonValue v:
                switch (v.GetValueKind())
                {
                    case JsonValueKind.String: WriteString(sb, v.GetValue<string>()); return;
                    case JsonValueKind.True: sb.Append("true"); return;
                    case JsonValueKind.False: sb.Append("false"); return;
                    case JsonValueKind.Null: sb.Append("null"); return;
                    case JsonValueKind.Number: sb.Append(PyNumber(NumberText(v), json: true)); return;
                    default: sb.Append(v.ToJsonString()); return;
                }
        }
    }

    private static void NewLine(StringBuilder sb, int? indent, int level)
    {
        if (indent is null)
            return;
        sb.Append('\n');
        sb.Append(' ', indent.Value * level);
    }

    /// <summary>Python compares str by code point; UTF-16 ordinal order differs only for astral characters.</summary>
    public static int ComparePython(string a, string b)
    {
        int i = 0, j = 0;
        while (i < a.Length && j < b.Length)
        {
            int ca = CodePointAt(a, i, out int la), cb = CodePointAt(b, j, out int lb);
            if (ca != cb)
                return ca.CompareTo(cb);
            i += la;
            j += lb;
        }
        return (a.Length - i).CompareTo(b.Length - j);
    }

    private static int CodePointAt(string s, int index, out int length)
    {
        if (char.IsHighSurrogate(s[index]) && index + 1 < s.Length && char.IsLowSurrogate(s[index + 1]))
        {
            length = 2;
            return char.ConvertToUtf32(s[index], s[index + 1]);
        }
        length = 1;
        return s[index];
    }

    /// <summary>A JSON string with ensure_ascii=True: non-ASCII as \uXXXX (lowercase hex, surrogate pairs).</summary>
    public static void WriteString(StringBuilder sb, string s)
    {
        sb.Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\b': sb.Append("\\b"); break;
                case '\f': sb.Append("\\f"); break;
                default:
                    if (c < 0x20 || c > 0x7e)
                        sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else
                        sb.Append(c);
                    break;
            }
        }
        sb.Append('"');
    }

    /// <summary>A number as Python writes the int or float json.loads made of it.</summary>
    private static string PyNumber(string text, bool json)
    {
        if (IsIntegerText(text))
            return System.Numerics.BigInteger.Parse(text, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture);
        double d = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        if (double.IsInfinity(d))
            return json ? (d > 0 ? "Infinity" : "-Infinity") : (d > 0 ? "inf" : "-inf");
        return FloatRepr(d);
    }

    /// <summary>Python's repr(float): shortest round-trip digits, exponent form outside 1e-4 &lt;= |x| &lt; 1e16.</summary>
    internal static string FloatRepr(double d)
    {
        if (d == 0)
            return double.IsNegative(d) ? "-0.0" : "0.0";
        string r = d.ToString("R", CultureInfo.InvariantCulture);
        string mantissa = r;
        int exponent = 0;
        int e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            mantissa = r[..e];
            exponent = int.Parse(r[(e + 1)..], CultureInfo.InvariantCulture);
        }
        bool negative = mantissa.StartsWith('-');
        if (negative)
            mantissa = mantissa[1..];
        int dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        string digits = dot >= 0 ? mantissa.Remove(dot, 1) : mantissa;
        int pointPos = (dot >= 0 ? dot : mantissa.Length) + exponent;
        int lead = 0;
        while (lead < digits.Length - 1 && digits[lead] == '0')
        {
            lead++;
            pointPos--;
        }
        digits = digits[lead..].TrimEnd('0');
        if (digits.Length == 0)
            digits = "0";
        int decimalExponent = pointPos - 1;
        string body;
        if (decimalExponent < -4 || decimalExponent >= 16)
        {
            string frac = digits.Length > 1 ? "." + digits[1..] : "";
            body = digits[0] + frac + "e" + (decimalExponent < 0 ? "-" : "+") + Math.Abs(decimalExponent).ToString("00", CultureInfo.InvariantCulture);
        }
        else if (pointPos <= 0)
        {
            body = "0." + new string('0', -pointPos) + digits;
        }
        else if (pointPos >= digits.Length)
        {
            body = digits + new string('0', pointPos - digits.Length) + ".0";
        }
        else
        {
            body = digits[..pointPos] + "." + digits[pointPos..];
        }
        return (negative ? "-" : "") + body;
    }

    // ---- str() and repr() of values ----

    /// <summary>Python's str(x) of a value json.loads produced (f"{x}").</summary>
    public static string PyStr(JsonNode? node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => PyRepr(node),
    };

    public static string PyRepr(JsonNode? node)
    {
        switch (node)
        {
            case null:
                return "None";
            case JsonArray a:
                return "[" + string.Join(", ", a.Select(PyRepr)) + "]";
            case JsonObject o:
                return "{" + string.Join(", ", o.Select(kv => ReprString(kv.Key) + ": " + PyRepr(kv.Value))) + "}";
            case JsonValue v:
                return v.GetValueKind() switch
                {
                    JsonValueKind.String => ReprString(v.GetValue<string>()),
                    JsonValueKind.True => "True",
                    JsonValueKind.False => "False",
                    JsonValueKind.Null => "None",
                    JsonValueKind.Number => PyNumber(NumberText(v), json: false),
                    _ => v.ToJsonString(),
                };
        }
        return node.ToJsonString();
    }

    private static string ReprString(string s)
    {
        char quote = s.Contains('\'', StringComparison.Ordinal) && !s.Contains('"', StringComparison.Ordinal) ? '"' : '\'';
        var sb = new StringBuilder().Append(quote);
        foreach (char c in s)
        {
            if (c == quote || c == '\\')
                sb.Append('\\').Append(c);
            else if (c == '\n')
                sb.Append("\\n");
            else if (c == '\r')
                sb.Append("\\r");
            else if (c == '\t')
                sb.Append("\\t");
            else if (c < 0x20 || c == 0x7f)
                sb.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
            else
                sb.Append(c);
        }
        return sb.Append(quote).ToString();
    }
}
