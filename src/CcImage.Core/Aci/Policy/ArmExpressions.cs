// The ARM template expressions confcom 1.2.7 understands: one "[parameters('x')]" or "[variables('x')]" per string,
// replaced by the parameter's value (from the parameters file, else its defaultValue) or the variable's value; no
// other template functions. Matching, fallbacks and the str() of non-string values follow confcom's
// find_value_in_params_and_vars and replace_params_and_vars.
// Spec: Azure Resource Manager template syntax ("parameters", "variables" functions).
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Aci.Policy;

internal sealed partial class ArmExpressions(JsonObject parameters, JsonObject variables)
{
    [GeneratedRegex(@"\[(?:parameters|variables)\(\s*'([^\.\/]+?)'\s*\)\]")]
    private static partial Regex ParameterOrVariable();

    [GeneratedRegex(@"(\s*\[\s*(parameters|variables))(\(\s*'([^\.\/]+?)'\s*\)\])")]
    private static partial Regex WholeParameterOrVariable();

    public JsonObject Parameters => parameters;

    /// <summary>True when <paramref name="value"/> mentions a parameter or variable.</summary>
    public static bool HasReference(string value) => ParameterOrVariable().IsMatch(value);

    /// <summary>The value <paramref name="search"/> refers to, or <paramref name="search"/> itself (find_value_in_params_and_vars).</summary>
    public JsonNode? Find(string search, bool ignoreUndefined)
    {
        var match = ParameterOrVariable().Match(search);
        if (!match.Success)
            return JsonValue.Create(search);
        string name = match.Groups[1].Value;
        JsonNode? found;
        if (search.Contains("parameters", StringComparison.Ordinal))
        {
            var parameter = PyJson.Get(parameters, name);
            if (parameter is null)
                throw Diag.Error(nameof(Strings.AciTemplateReferenceMissing), name);
            found = parameter is JsonObject p && p.ContainsKey("value") ? PyJson.Get(p, "value") : PyJson.Get(parameter, "defaultValue");
        }
        else
        {
            found = PyJson.Get(variables, name);
        }
        if (found is null && !ignoreUndefined)
            throw Diag.Error(nameof(Strings.AciTemplateReferenceMissing), name);
        return found is null ? JsonValue.Create(search) : found.DeepClone();
    }

    /// <summary>Resolves references anywhere inside <paramref name="attribute"/> (replace_params_and_vars).</summary>
    public JsonNode? Replace(JsonNode? attribute)
    {
        switch (attribute)
        {
            case JsonValue v when PyJson.IsString(v):
            {
                string text = v.GetValue<string>();
                var output = Find(text, ignoreUndefined: true);
                var whole = WholeParameterOrVariable().Match(text);
                if (whole.Success)
                    return JsonValue.Create(text.Replace(whole.Value, PyJson.PyStr(output), StringComparison.Ordinal));
                return output;
            }
            case JsonValue v:
                return v.DeepClone();
            case JsonArray a:
                return new JsonArray(a.Select(Replace).ToArray());
            case JsonObject o:
            {
                var result = new JsonObject();
                foreach (var (k, value) in o)
                    result[k] = Replace(value);
                return result;
            }
            default:
                return null;
        }
    }
}
