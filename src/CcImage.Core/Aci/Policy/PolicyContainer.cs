// One container of a container group as confcom 1.2.7 models it (container.py ContainerImage and
// UserContainerImage): read from the container description the template reader builds, its references resolved,
// completed from the image config, and written out as the policy's container object.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Aci.Policy;

internal sealed class PolicyContainer
{
    private readonly ConfcomFacts _facts;

    private PolicyContainer(ConfcomFacts facts) => _facts = facts;

    public string ContainerImage { get; private set; } = "";
    public JsonNode? ContainerName { get; private set; }
    public JsonNode? Identifier { get; private set; }
    public string Base { get; private set; } = "";
    public string Tag { get; private set; } = "";
    public JsonArray EnvironmentRules { get; private set; } = [];
    public JsonNode? Command { get; set; }
    public JsonNode? WorkingDir { get; set; }
    public JsonArray Mounts { get; private set; } = [];
    public bool AllowElevated { get; private set; }
    public JsonArray ExecProcesses { get; private set; } = [];
    public JsonArray Signals { get; set; } = [];
    public JsonObject User { get; set; } = [];
    public JsonObject Capabilities { get; private set; } = [];
    public string SeccompProfileSha256 { get; private set; } = "";
    public bool AllowStdioAccess { get; private set; }
    public bool AllowPrivilegeEscalation { get; private set; }
    public JsonArray ExtraEnvironmentRules { get; private set; } = [];
    public List<string> Layers { get; set; } = [];

    public bool IsSidecar => ConfcomPolicyRules.IsSidecar(_facts, ContainerImage);

    /// <summary>Whether confcom built this container as a sidecar (ContainerImage) rather than a user container.</summary>
    public bool IsSidecarContainerAtCreation { get; private set; }

    public static PolicyContainer FromJson(ConfcomFacts facts, JsonObject c, bool user)
    {
        var image = new PolicyContainer(facts);
        var containerImage = PyJson.Get(c, "containerImage");
        if (!PyJson.Truthy(containerImage))
            throw Invalid("containers.containerImage is empty or cannot be found");
        image.ContainerImage = PyJson.PyStr(containerImage);
        image.Identifier = PyJson.Get(c, "id")?.DeepClone();
        image.ContainerName = PyJson.Get(c, "name")?.DeepClone();
        image.EnvironmentRules = ExtractEnvRules(c);
        var command = PyJson.Get(c, "command");
        if (command is not JsonArray)
            throw Invalid("containers.command must be a list of strings");
        image.Command = command.DeepClone();
        image.WorkingDir = ExtractWorkingDir(c);
        image.Mounts = ExtractMounts(facts, c);
        var elevated = PyJson.Get(c, "allow_elevated");
        image.AllowElevated = PyJson.Truthy(elevated) || ExtractAllowElevated(c);
        image.ExecProcesses = ExtractExecProcesses(c);
        image.Signals = PyJson.Get(c, "signals") is JsonArray s && s.Count > 0 ? (JsonArray)s.DeepClone() : [];
        image.User = ExtractUser(facts, c);
        image.Capabilities = ExtractCapabilities(facts, c, image.AllowElevated);
        image.SeccompProfileSha256 = ExtractSeccompProfileSha256(c);
        image.AllowStdioAccess = PyJson.GetFound(c, "allowStdioAccess", out var stdio) && stdio is not null ? PyJson.Truthy(stdio) : true;
        image.AllowPrivilegeEscalation = ExtractAllowPrivilegeEscalation(c);
        image.SplitImageName();
        image.IsSidecarContainerAtCreation = !user;
        if (user)
        {
            if (!facts.Setting("sidecar_base_names").AsArray().Any(n => PyJson.PyStr(n) == image.Base))
                foreach (var m in facts.Config["mount"]!["default_mounts_user"]!.AsArray())
                    image.Mounts.Add(m!.DeepClone());
            var extra = new JsonArray();
            foreach (string group in new[] { "openGCS", "fabric", "managedIdentity", "enableRestart" })
                foreach (var rule in facts.Config[group]!["environmentVariables"]!.AsArray())
                    extra.Add(rule!.DeepClone());
            image.ExtraEnvironmentRules = extra;
        }
        return image;
    }

    private void SplitImageName()
    {
        int colon = ContainerImage.IndexOf(':', StringComparison.Ordinal);
        (Base, Tag) = colon >= 0 ? (ContainerImage[..colon], ContainerImage[(colon + 1)..]) : (ContainerImage, "latest");
    }

    /// <summary>parse_all_parameters_and_variables: references in the listed fields are resolved.</summary>
    public void ResolveReferences(ArmExpressions arm)
    {
        ContainerImage = PyJson.PyStr(arm.Replace(JsonValue.Create(ContainerImage)));
        ContainerName = arm.Replace(ContainerName);
        Identifier = arm.Replace(Identifier);
        EnvironmentRules = (JsonArray)arm.Replace(EnvironmentRules)!;
        Command = arm.Replace(Command);
        WorkingDir = arm.Replace(WorkingDir);
        Mounts = (JsonArray)arm.Replace(Mounts)!;
        ExecProcesses = (JsonArray)arm.Replace(ExecProcesses)!;
        ExtraEnvironmentRules = (JsonArray)arm.Replace(ExtraEnvironmentRules)!;
        SplitImageName();
    }

    public JsonObject PolicyJson(bool omitId)
    {
        var elements = new JsonObject
        {
            ["name"] = ContainerName?.DeepClone(),
            ["layers"] = new JsonArray(Layers.Select(l => (JsonNode)JsonValue.Create(l)).ToArray()),
            ["command"] = Command?.DeepClone(),
            ["env_rules"] = EnvironmentRulesJson(),
            ["working_dir"] = WorkingDir?.DeepClone(),
            ["mounts"] = MountsJson(),
            ["allow_elevated"] = AllowElevated,
            ["exec_processes"] = ExecProcesses.DeepClone(),
            ["signals"] = Signals.DeepClone(),
            ["user"] = User.DeepClone(),
            ["capabilities"] = Capabilities.DeepClone(),
            ["seccomp_profile_sha256"] = SeccompProfileSha256,
            ["allow_stdio_access"] = AllowStdioAccess,
            ["no_new_privileges"] = !AllowPrivilegeEscalation,
        };
        if (!omitId)
            elements["id"] = Identifier?.DeepClone();
        else if (JsonNode.DeepEquals(ContainerName, Identifier))
            elements.Remove("name");
        return elements;
    }

    private JsonArray EnvironmentRulesJson()
    {
        var rules = (JsonArray)EnvironmentRules.DeepClone();
        var names = rules.Select(r => PyJson.PyStr(r!["pattern"]).Split('=')[0]).ToList();
        foreach (var rule in ExtraEnvironmentRules)
        {
            string name = PyJson.PyStr(rule!["name"]);
            if (!names.Contains(name))
                rules.Add((JsonNode)new JsonObject
                {
                    ["pattern"] = name + "=" + PyJson.PyStr(rule["value"]),
                    ["strategy"] = rule["strategy"]?.DeepClone(),
                    ["required"] = rule["required"]?.DeepClone(),
                });
        }
        return rules;
    }

    private JsonArray MountsJson()
    {
        var result = new JsonArray();
        var sources = _facts.Config["mount"]!["source_table"]!.AsArray()
            .ToDictionary(e => PyJson.PyStr(e!["mountType"]), e => PyJson.PyStr(e!["source"]));
        foreach (var m in Mounts)
        {
            var mount = (JsonObject)_facts.Config["mount"]!["default_policy"]!.DeepClone();
            string type = PyJson.PyStr(PyJson.Get(m, "mountType"));
            if (!sources.TryGetValue(type, out string? source))
                throw Invalid($"mount type '{type}' is not one of {string.Join(",", sources.Keys)}");
            mount["source"] = source;
            mount["destination"] = PyJson.Get(m, "mountPath")?.DeepClone();
            if (PyJson.Truthy(PyJson.Get(m, "readonly")))
                mount["options"]![2] = "ro";
            var options = PyJson.Get(m, "options");
            if (PyJson.Truthy(options))
                mount["options"] = options!.DeepClone();
            mount["type"] = "bind";
            result.Add((JsonNode)mount);
        }
        return result;
    }

    // ---- extraction (container.py extract_*) ----

    private static JsonArray ExtractEnvRules(JsonObject c)
    {
        var rules = PyJson.Get(c, "environmentVariables");
        if (rules is null)
            throw Invalid("containers.environmentVariables is null or cannot be found");
        var result = new JsonArray();
        foreach (var rule in rules.AsArray())
        {
            var name = PyJson.Get(rule, "name");
            var value = PyJson.Get(rule, "value");
            var strategy = PyJson.Get(rule, "strategy");
            var required = PyJson.Get(rule, "required");
            if (name is null || value is null || strategy is null)
                throw Invalid("an environment variable lacks a name, value or strategy");
            result.Add((JsonNode)new JsonObject
            {
                ["pattern"] = PyJson.PyStr(name) + "=" + PyJson.PyStr(value),
                ["strategy"] = strategy.DeepClone(),
                ["required"] = required is not null ? required.DeepClone() : false,
            });
        }
        return result;
    }

    private static JsonNode? ExtractWorkingDir(JsonObject c)
    {
        var dir = PyJson.Get(c, "workingDir");
        if (PyJson.Truthy(dir))
        {
            if (!PyJson.IsString(dir))
                throw Invalid("containers.workingDir must be a string");
            if (!dir!.GetValue<string>().StartsWith('/'))
                throw Invalid($"containers.workingDir '{dir}' is not an absolute path");
        }
        return dir?.DeepClone();
    }

    private static JsonArray ExtractMounts(ConfcomFacts facts, JsonObject c)
    {
        var mounts = PyJson.Get(c, "mounts");
        var result = new JsonArray();
        if (!PyJson.Truthy(mounts))
            return result;
        if (mounts is not JsonArray list)
            throw Invalid("containers.mounts must be a list");
        var types = facts.Config["mount"]!["source_table"]!.AsArray().Select(e => PyJson.PyStr(e!["mountType"])).ToHashSet();
        foreach (var m in list)
        {
            var type = PyJson.Get(m, "mountType");
            if (!PyJson.IsString(type) || !types.Contains(type!.GetValue<string>()))
                throw Invalid($"a volume's type is not one of {string.Join(",", types)}");
            if (!PyJson.Truthy(PyJson.Get(m, "mountPath")))
                throw Invalid("a volume mount has no mountPath");
            var readOnly = PyJson.Get(m, "readonly");
            if (readOnly is not null && !PyJson.IsBool(readOnly))
                throw Invalid("a volume mount's readOnly must be true or false");
            result.Add(m!.DeepClone());
        }
        return result;
    }

    private static JsonNode? SecurityContext(JsonObject c) => PyJson.Get(c, "securityContext");

    private static bool ExtractAllowElevated(JsonObject c)
    {
        var privileged = PyJson.Get(SecurityContext(c), "privileged");
        if (PyJson.Truthy(privileged) && !PyJson.IsBool(privileged) && !PyJson.IsString(privileged))
            throw Invalid("securityContext.privileged must be a boolean or a string");
        if (PyJson.IsString(privileged))
            return string.Equals(privileged!.GetValue<string>(), "true", StringComparison.OrdinalIgnoreCase);
        return PyJson.Truthy(privileged);
    }

    private static JsonArray ExtractExecProcesses(JsonObject c)
    {
        var processes = PyJson.Get(c, "execProcesses");
        var result = new JsonArray();
        if (!PyJson.Truthy(processes))
            return result;
        foreach (var p in processes!.AsArray())
            result.Add((JsonNode)new JsonObject
            {
                ["command"] = PyJson.Get(p, "command")?.DeepClone(),
                ["signals"] = PyJson.Get(p, "signals")?.DeepClone(),
            });
        return result;
    }

    private static JsonObject ExtractUser(ConfcomFacts facts, JsonObject c)
    {
        var user = (JsonObject)facts.Setting("default_user");
        var context = SecurityContext(c);
        if (!PyJson.Truthy(context))
            return user;
        var runAsUser = PyJson.Get(context, "runAsUser");
        if (PyJson.IsInt(runAsUser) && PyJson.IntValue(runAsUser!) >= 0)
            user["user_idname"] = new JsonObject { ["pattern"] = PyJson.PyStr(runAsUser), ["strategy"] = "id" };
        else if (runAsUser is not null)
            throw Invalid("securityContext.runAsUser must be an integer");
        var runAsGroup = PyJson.Get(context, "runAsGroup");
        if (PyJson.IsInt(runAsGroup) && PyJson.IntValue(runAsGroup!) >= 0)
            user["group_idnames"]![0] = new JsonObject { ["pattern"] = PyJson.PyStr(runAsGroup), ["strategy"] = "id" };
        else if (runAsGroup is not null)
            throw Invalid("securityContext.runAsGroup must be an integer");
        return user;
    }

    private static JsonObject ExtractCapabilities(ConfcomFacts facts, JsonObject c, bool privileged)
    {
        var output = new Dictionary<string, List<string>>
        {
            ["bounding"] = [], ["effective"] = [], ["inheritable"] = [], ["permitted"] = [], ["ambient"] = [],
        };
        var added = new List<string> { "bounding", "effective", "permitted" };
        if (privileged)
            added.Add("inheritable");
        var defaults = facts.Setting(privileged ? "default_privileged_capabilities" : "default_unprivileged_capabilities")
            .AsArray().Select(x => PyJson.PyStr(x)).ToList();
        foreach (string key in added)
            output[key] = [.. defaults];
        var capabilities = PyJson.Get(SecurityContext(c), "capabilities");
        if (PyJson.Truthy(capabilities))
        {
            if (capabilities is not JsonObject)
                throw Invalid("securityContext.capabilities must be an object");
            var add = PyJson.Get(capabilities, "add");
            if (PyJson.Truthy(add))
            {
                if (add is not JsonArray addList || addList.Any(x => !PyJson.IsString(x)))
                    throw Invalid("securityContext.capabilities.add must be a list of strings");
                foreach (string key in added)
                    output[key].AddRange(addList.Select(x => PyJson.PyStr(x)));
            }
            var drop = PyJson.Get(capabilities, "drop");
            if (PyJson.Truthy(drop))
            {
                if (drop is not JsonArray dropList || dropList.Any(x => !PyJson.IsString(x)))
                    throw Invalid("securityContext.capabilities.drop must be a list of strings");
                var dropped = dropList.Select(x => PyJson.PyStr(x)).ToHashSet();
                foreach (string key in output.Keys.ToList())
                    output[key] = output[key].Where(x => !dropped.Contains(x)).ToList();
            }
        }
        var result = new JsonObject();
        foreach (var (key, values) in output)
        {
            var sorted = values.Distinct().ToList();
            sorted.Sort(PyJson.ComparePython);
            result[key] = new JsonArray(sorted.Select(v => (JsonNode)JsonValue.Create(v)).ToArray());
        }
        return result;
    }

    private static string ExtractSeccompProfileSha256(JsonObject c)
    {
        var context = SecurityContext(c);
        if (!PyJson.Truthy(context))
            return "";
        var profile = PyJson.Get(context, "seccompProfile");
        if (!PyJson.IsString(profile))
            return "";
        string json;
        try
        {
            json = Encoding.ASCII.GetString(Convert.FromBase64String(profile!.GetValue<string>()));
        }
        catch (FormatException)
        {
            throw Invalid("securityContext.seccompProfile is not valid base64");
        }
        var processed = ConfcomPolicyRules.ProcessSeccompPolicy(json);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(PyJson.DumpsCompact(processed)))).ToLowerInvariant();
    }

    private static bool ExtractAllowPrivilegeEscalation(JsonObject c)
    {
        var context = SecurityContext(c);
        if (!PyJson.Truthy(context))
            return true;
        var value = PyJson.Get(context, "allowPrivilegeEscalation");
        if (value is null)
            return true;
        if (!PyJson.IsBool(value) && !PyJson.IsString(value))
            throw Invalid("securityContext.allowPrivilegeEscalation must be a boolean or a string");
        return PyJson.IsString(value) ? string.Equals(value.GetValue<string>(), "true", StringComparison.OrdinalIgnoreCase) : value.GetValue<bool>();
    }

    private static CcImageException Invalid(string detail) => Diag.Error(nameof(Strings.AciTemplateInvalid), detail);
}
