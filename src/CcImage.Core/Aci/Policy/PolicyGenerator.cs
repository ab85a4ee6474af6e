// `az confcom acipolicygen` 1.2.7 for an ARM template and local image archives, natively: read the container groups
// (security_policy.load_policy_from_arm_template_str), resolve parameters and variables, complete each container from
// its image config and layer hashes (AciPolicy.populate_policy_content_for_all_images), serialise the policy into the
// Rego framework, then print it or inject it into the template — with the same bytes on stdout. Secure values are
// never logged; as in confcom, a secureValue that resolves to a value becomes part of the policy, and one that stays
// a parameter reference becomes a ".*" wildcard.
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Oci;

namespace CcImage.Core.Aci.Policy;

public sealed class PolicyGenerator
{
    private const string ContainerGroupType = "Microsoft.ContainerInstance/containerGroups";
    private const string ContainerGroupProfileType = "Microsoft.ContainerInstance/containerGroupProfiles";
    private const string ThimName = "THIM_ENDPOINT";
    private const string ThimValuePattern = "^===CONFIDENTIAL.THIM.ENDPOINT===$";
    private const string Amd64 = "amd64";

    private readonly ConfcomFacts _facts;
    private readonly PolicyGenOptions _options;
    private readonly TextReader _input;
    private readonly StringBuilder _stdout = new();
    private readonly ILog _log;
    private readonly CancellationToken _cancellationToken;
    private readonly Dictionary<string, List<string>> _layerCache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _archiveLayerHashes = new(StringComparer.Ordinal);

    private PolicyGenerator(PolicyGenOptions options, TextReader input, ILog log, CancellationToken cancellationToken)
    {
        _facts = FactsFor(options.ConfcomVersion);
        _options = options;
        _input = input;
        _log = log;
        _cancellationToken = cancellationToken;
    }

    /// <summary>The versioned facts for a confcom release; 1.2.7 is the one known today.</summary>
    internal static ConfcomFacts FactsFor(string version) => version switch
    {
        ConfcomFacts.Version127 => ConfcomFacts.V127,
        _ => throw Diag.Error(nameof(Strings.AciConfcomVersionUnknown), version, ConfcomFacts.Version127),
    };

    /// <summary>Runs policy generation; returns what confcom prints on stdout. <paramref name="input"/> answers its questions.</summary>
    public static string Run(PolicyGenOptions options, TextReader input, ILog log, CancellationToken cancellationToken = default)
    {
        var generator = new PolicyGenerator(options, input, log, cancellationToken);
        generator.Generate();
        return generator._stdout.ToString();
    }

    /// <summary>The compact policy text (what the inject mode hashes) for a template, for callers that build templates.</summary>
    public static (string Raw, string Base64) Policy(PolicyGenOptions options, ILog log, CancellationToken cancellationToken = default)
    {
        var generator = new PolicyGenerator(options, TextReader.Null, log, cancellationToken);
        var groups = generator.Load();
        if (groups.Count != 1)
            throw Diag.Error(nameof(Strings.AciTemplateInvalid), "the template must hold exactly one container group");
        generator.Populate(groups[0]);
        string raw = generator.Serialize(groups[0], pretty: false);
        return (raw, Convert.ToBase64String(Encoding.ASCII.GetBytes(raw)));
    }

    private void Generate()
    {
        var groups = Load();
        for (int count = 0; count < groups.Count; count++)
        {
            var group = groups[count];
            Populate(group);
            switch (_options.Mode)
            {
                case PolicyOutputMode.Inject:
                    string raw = Serialize(group, pretty: false);
                    if (Inject(Convert.ToBase64String(Encoding.ASCII.GetBytes(raw)), count))
                        _stdout.Append(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(raw))).ToLowerInvariant()).Append('\n');
                    break;
                case PolicyOutputMode.Raw:
                    _stdout.Append(Serialize(group, pretty: false)).Append("\n\n\n");
                    break;
                case PolicyOutputMode.PrettyPrint:
                    _stdout.Append(Serialize(group, pretty: true)).Append("\n\n\n");
                    break;
                case PolicyOutputMode.PrintBase64:
                    _stdout.Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(Serialize(group, pretty: false)))).Append("\n\n\n");
                    break;
            }
        }
    }

    // ---- reading the template (load_policy_from_arm_template_str) ----

    private sealed record ContainerGroup(List<PolicyContainer> Containers, JsonArray Fragments);

    private ArmExpressions? _arm;
    private object? _tarMapping;

    private List<ContainerGroup> Load()
    {
        _tarMapping = ReadTarMapping();
        var template = ReadJsonFile(_options.TemplatePath, "the ARM template") as JsonObject;
        JsonObject? parameterFile = _options.ParametersPath is null ? null : ReadJsonFile(_options.ParametersPath, "the ARM parameters file") as JsonObject;

        var resources = PyJson.Get(template, "resources");
        if (!PyJson.Truthy(resources) || resources is not JsonArray resourceList)
            throw Diag.Error(nameof(Strings.AciTemplateNoContainerGroup), _options.TemplatePath);
        var groupsJson = resourceList.Where(r => r is JsonObject o && PyJson.Str(o["type"]) is ContainerGroupType or ContainerGroupProfileType).Cast<JsonObject>().ToList();
        if (groupsJson.Count == 0)
            throw Diag.Error(nameof(Strings.AciTemplateNoContainerGroup), _options.TemplatePath);

        var parameters = PyJson.Get(template, "parameters") as JsonObject ?? [];
        ApplyParameterFile(parameterFile, parameters);
        var variables = PyJson.Get(template, "variables") as JsonObject ?? [];
        _arm = new ArmExpressions(parameters, variables);

        var result = new List<ContainerGroup>();
        foreach (var resource in groupsJson)
        {
            bool excludeDefaultFragments = false;
            var tags = PyJson.Get(resource, "tags");
            if (PyJson.Truthy(tags))
            {
                var zero = PyJson.Get(tags, "Annotate-zero-sidecar");
                excludeDefaultFragments = PyJson.IsString(zero) ? string.Equals(zero!.GetValue<string>(), "true", StringComparison.OrdinalIgnoreCase) : PyJson.Truthy(zero);
            }
            var properties = PyJson.Get(resource, "properties");
            var containerList = PyJson.Get(properties, "containers");
            if (!PyJson.Truthy(containerList) || containerList is not JsonArray containers)
                throw Diag.Error(nameof(Strings.AciTemplateNoContainerGroup), _options.TemplatePath);
            var all = containers.ToList();
            if (PyJson.Get(properties, "initContainers") is JsonArray init && init.Count > 0)
                all.AddRange(init);

            var confidential = PyJson.Get(properties, "confidentialComputeProperties");
            if (PyJson.Truthy(PyJson.Get(confidential, "standaloneFragments")))
                throw Diag.Error(nameof(Strings.AciTemplateUnsupported), "confidentialComputeProperties.standaloneFragments (they are pulled from a registry)");
            CheckExistingPolicy(confidential);

            var fragments = excludeDefaultFragments ? [] : (JsonArray)_facts.Setting("default_rego_fragments");
            var volumesNode = PyJson.Get(properties, "volumes");
            if (PyJson.Truthy(volumesNode) && volumesNode is not JsonArray)
                throw Diag.Error(nameof(Strings.AciTemplateInvalid), "properties.volumes must be a list");
            var volumes = volumesNode as JsonArray ?? [];

            var policyContainers = new List<PolicyContainer>();
            foreach (var container in all)
            {
                var imageProperties = PyJson.Get(container, "properties");
                var imageName = PyJson.Get(imageProperties, "image");
                if (!PyJson.Truthy(imageName))
                    throw Diag.Error(nameof(Strings.AciTemplateInvalid), "a container has no properties.image");
                var execProcesses = new JsonArray();
                AddProbe(execProcesses, imageProperties, "readinessProbe");
                AddProbe(execProcesses, imageProperties, "livenessProbe");
                if (_options.DebugMode)
                    foreach (var p in _facts.Config["debugMode"]!["execProcesses"]!.AsArray())
                        execProcesses.Add(p!.DeepClone());
                var mounts = Mounts(imageProperties, volumes);
                if (PyJson.Truthy(PyJson.Get(imageProperties, "configMap")))
                    mounts.Add((JsonNode)new JsonObject { ["mountType"] = "emptyDir", ["mountPath"] = "/mnt/configmap", ["readonly"] = false });
                var command = PyJson.Get(imageProperties, "command");
                var description = new JsonObject
                {
                    ["id"] = imageName!.DeepClone(),
                    ["name"] = PyJson.Get(container, "name")?.DeepClone(),
                    ["containerImage"] = imageName.DeepClone(),
                    ["environmentVariables"] = EnvironmentVariables(imageProperties),
                    ["command"] = PyJson.Truthy(command) ? command!.DeepClone() : new JsonArray(),
                    ["mounts"] = mounts,
                    ["execProcesses"] = execProcesses,
                    ["signals"] = new JsonArray(),
                    ["allowStdioAccess"] = !_options.DisableStdio,
                    ["securityContext"] = PyJson.Get(imageProperties, "securityContext")?.DeepClone(),
                };
                bool user = !ConfcomPolicyRules.IsSidecar(_facts, PyJson.PyStr(imageName));
                var policyContainer = PolicyContainer.FromJson(_facts, description, user);
                policyContainer.ResolveReferences(_arm);
                policyContainers.Add(policyContainer);
            }
            result.Add(new ContainerGroup(policyContainers, fragments));
        }
        return result;
    }

    private static void ApplyParameterFile(JsonObject? parameterFile, JsonObject parameters)
    {
        if (!PyJson.Truthy(parameterFile))
            return;
        var values = PyJson.Get(parameterFile, "parameters");
        if (!PyJson.Truthy(values) || values is not JsonObject valueMap)
            throw Diag.Error(nameof(Strings.AciTemplateInvalid), "the parameters file has no \"parameters\"");
        foreach (var (key, entry) in valueMap)
        {
            if (!PyJson.Truthy(PyJson.Get(parameters, key)) || parameters[key] is not JsonObject declared)
                throw Diag.Error(nameof(Strings.AciTemplateInvalid), $"the parameters file sets '{key}', which the template does not declare");
            var value = PyJson.Get(entry, "value");
            declared["value"] = (PyJson.Truthy(value) ? value : PyJson.Get(entry, "secureValue"))?.DeepClone();
        }
    }

    private static void CheckExistingPolicy(JsonNode? confidential)
    {
        var policy = PyJson.Get(confidential, "ccePolicy");
        if (!PyJson.Truthy(policy) || !PyJson.IsString(policy))
            return;
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(policy!.GetValue<string>());
        }
        catch (FormatException)
        {
            return; // confcom ignores a policy it cannot decode
        }
        string text = Encoding.Latin1.GetString(bytes);
        if (bytes.Any(b => b >= 0x80))
            throw Diag.Error(nameof(Strings.AciTemplateInvalid), "the existing ccePolicy is not ASCII text");
        try
        {
            PyJson.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return;
        }
        throw Diag.Error(nameof(Strings.AciTemplateInvalid), "the existing ccePolicy decodes to JSON, not to a Rego policy");
    }

    private static void AddProbe(JsonArray execProcesses, JsonNode? imageProperties, string probeName)
    {
        var probe = PyJson.Get(imageProperties, probeName);
        if (!PyJson.Truthy(probe))
            return;
        var exec = PyJson.Get(probe, "exec");
        if (!PyJson.Truthy(exec))
            return;
        var command = PyJson.Get(exec, "command");
        if (!PyJson.Truthy(command))
            throw Diag.Error(nameof(Strings.AciTemplateInvalid), "probes must have a 'command' declaration");
        execProcesses.Add((JsonNode)new JsonObject { ["command"] = command!.DeepClone(), ["signals"] = new JsonArray() });
    }

    private JsonArray Mounts(JsonNode? imageProperties, JsonArray volumes)
    {
        var result = new JsonArray();
        var volumeMounts = PyJson.Get(imageProperties, "volumeMounts");
        if (!PyJson.Truthy(volumeMounts))
            return result;
        if (volumeMounts is not JsonArray list)
            throw Diag.Error(nameof(Strings.AciTemplateInvalid), "volumeMounts must be a list");
        var types = _facts.Config["mount"]!["source_table"]!.AsArray().Select(e => PyJson.PyStr(e!["mountType"])).ToHashSet();
        foreach (var mount in list)
        {
            var name = PyJson.Get(mount, "name");
            var volume = volumes.FirstOrDefault(v => JsonNode.DeepEquals(PyJson.Get(v, "name"), name)) as JsonObject
                ?? throw Diag.Error(nameof(Strings.AciTemplateInvalid), $"volume '{PyJson.PyStr(name)}' is mounted but not declared in volumes");
            string type = "";
            foreach (var (key, _) in volume)
                if (types.Contains(key))
                    type = key;
            result.Add((JsonNode)new JsonObject
            {
                ["mountType"] = type,
                ["mountPath"] = PyJson.Get(mount, "mountPath")?.DeepClone(),
                ["readonly"] = PyJson.Get(mount, "readOnly")?.DeepClone(),
            });
        }
        return result;
    }

    private JsonArray EnvironmentVariables(JsonNode? imageProperties)
    {
        var result = new JsonArray();
        var variables = PyJson.Get(imageProperties, "environmentVariables");
        if (!PyJson.Truthy(variables))
            return result;
        foreach (var variable in variables!.AsArray())
        {
            var name = PyJson.Get(variable, "name");
            var value = PyJson.Get(variable, "value") ?? PyJson.Get(variable, "secureValue");
            if (!PyJson.Truthy(name))
                throw Diag.Error(nameof(Strings.AciTemplateInvalid), "an environment variable has no name");
            if (value is null)
                throw Diag.Error(nameof(Strings.AciTemplateInvalid), $"environment variable {PyJson.PyStr(name)} has no value");
            if (!PyJson.IsString(value))
                throw Diag.Error(nameof(Strings.AciTemplateInvalid), $"environment variable {PyJson.PyStr(name)} has a value that is not a string");
            string text = value.GetValue<string>();
            var resolved = _arm!.Find(text, ignoreUndefined: true);
            if (ArmExpressions.HasReference(text) && PyJson.IsString(resolved) && resolved!.GetValue<string>() == text)
            {
                if (_options.ApproveWildcards || Ask($"Create a wildcard policy for the environment variable {PyJson.PyStr(name)} (y/n): "))
                    result.Add((JsonNode)new JsonObject { ["name"] = name!.DeepClone(), ["value"] = ".*", ["strategy"] = "re2" });
            }
            else if (System.Text.RegularExpressions.Regex.IsMatch(text, ThimValuePattern) && PyJson.Str(name) == ThimName)
            {
                result.Add((JsonNode)new JsonObject { ["name"] = ThimName, ["value"] = ".*", ["strategy"] = "re2" });
            }
            else
            {
                result.Add((JsonNode)new JsonObject { ["name"] = name!.DeepClone(), ["value"] = text, ["strategy"] = "string" });
            }
        }
        return result;
    }

    /// <summary>Asks a yes/no question as confcom's input() does: the prompt on stdout, the answer from the input.</summary>
    private bool Ask(string prompt)
    {
        _stdout.Append(prompt);
        string? answer = _input.ReadLine();
        if (answer is null)
            throw Diag.Error(nameof(Strings.AciPolicyQuestionUnanswered), prompt.TrimEnd());
        return answer.Equals("y", StringComparison.OrdinalIgnoreCase);
    }

    // ---- completing the containers from the images (populate_policy_content_for_all_images) ----

    private object? ReadTarMapping()
    {
        if (_options.TarMapping is not { } location)
            throw Diag.Error(nameof(Strings.AciPolicyNeedsTar));
        if (!File.Exists(location))
            throw Diag.Error(nameof(Strings.AciPolicyTarMissing), location);
        if (!location.EndsWith(".json", StringComparison.Ordinal))
            return location;
        var mapping = ReadJsonFile(location, "the --tar mapping") as JsonObject
            ?? throw Diag.Error(nameof(Strings.AciTemplateInvalid), "the --tar mapping must be a JSON object of image name to archive path");
        string dir = Path.GetDirectoryName(location) ?? "";
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (image, pathNode) in mapping)
        {
            string path = PyJson.PyStr(pathNode);
            if (!Path.IsPathRooted(path) || Path.GetFullPath(path) != path)
            {
                path = Path.Combine(dir, path);
                if (!File.Exists(path))
                    throw Diag.Error(nameof(Strings.AciPolicyTarMissing), path);
            }
            result[image] = path;
        }
        return result;
    }

    private string? TarLocationFor(string imageName) => _tarMapping switch
    {
        string single => single,
        Dictionary<string, string> map => map.GetValueOrDefault(imageName) is { Length: > 0 } found ? found
            : imageName.EndsWith(":latest", StringComparison.Ordinal) ? map.GetValueOrDefault(imageName.Split(':')[0]) : null,
        _ => null,
    };

    private void Populate(ContainerGroup group)
    {
        if (_tarMapping is string && group.Containers.Count > 1)
            throw Diag.Error(nameof(Strings.AciPolicyOneTarManyImages));
        foreach (var image in group.Containers)
        {
            _cancellationToken.ThrowIfCancellationRequested();
            string imageName = image.Base + ":" + image.Tag;
            if (imageName.Contains("@sha256:", StringComparison.Ordinal))
                throw Diag.Error(nameof(Strings.AciPolicyDigestWithTar), imageName);
            string? archivePath = TarLocationFor(imageName);
            if (archivePath is null)
                throw Diag.Error(nameof(Strings.AciArchiveImageMissing), imageName, _options.TarMapping);
            var archive = ImageArchive.Open(archivePath);
            var info = ArchiveImageInfo.FindConfig(archive, imageName)
                ?? throw Diag.Error(nameof(Strings.AciArchiveImageMissing), imageName, archivePath);
            if (PyJson.Str(info["Architecture"]) != Amd64)
                throw Diag.Error(nameof(Strings.AciImageArchitecture), imageName, PyJson.PyStr(info["Architecture"]));

            if (!PyJson.Truthy(image.WorkingDir))
            {
                var dir = info["WorkingDir"];
                image.WorkingDir = PyJson.Truthy(dir) ? dir!.DeepClone() : PyJson.PyStr(_facts.Config["containerd"]!["defaultWorkingDir"]);
            }
            bool isUser = !image.IsSidecarContainerAtCreation;
            if (isUser)
                CompleteFromImage(image, info);

            if (!_layerCache.TryGetValue(imageName, out var layers))
            {
                layers = LayerHashes(archive);
                _layerCache[imageName] = layers;
            }
            image.Layers = layers;
        }
        group.Containers.RemoveAll(c => c.Layers.Count == 0);
    }

    private void CompleteFromImage(PolicyContainer image, JsonObject info)
    {
        if (!PyJson.Truthy(image.Command))
        {
            var command = info["Cmd"]?.DeepClone();
            var entrypoint = info["Entrypoint"]?.DeepClone();
            if (PyJson.Truthy(entrypoint) && PyJson.Truthy(command))
                command = new JsonArray(entrypoint!.AsArray().Concat(command!.AsArray()).Select(x => x?.DeepClone()).ToArray());
            else if (PyJson.Truthy(entrypoint))
                command = entrypoint;
            image.Command = command;
        }

        var envs = info["Env"];
        if (PyJson.Truthy(envs))
        {
            var names = image.EnvironmentRules.Select(r => PyJson.PyStr(r!["pattern"]).Split('=')[0]).ToList();
            foreach (var env in envs!.AsArray())
            {
                string text = PyJson.PyStr(env);
                int eq = text.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                    throw Diag.Error(nameof(Strings.AciTemplateInvalid), $"the image sets the environment entry '{text}' without '='");
                if (!names.Contains(text[..eq]))
                    image.EnvironmentRules.Add((JsonNode)new JsonObject { ["pattern"] = text, ["strategy"] = "string", ["required"] = false });
            }
        }

        var stopSignal = info["StopSignal"];
        if (PyJson.Truthy(stopSignal))
            image.Signals = ConfcomPolicyRules.TranslateSignals(stopSignal is JsonArray ? stopSignal : new JsonArray(stopSignal!.DeepClone()));

        var defaultUser = _facts.Setting("default_user");
        string? imageUser = PyJson.Str(info["User"]);
        if (JsonNode.DeepEquals(image.User, defaultUser) && !string.IsNullOrEmpty(imageUser))
        {
            var user = (JsonObject)defaultUser;
            string[] parts = imageUser.Split(':', 2);
            user["user_idname"] = new JsonObject { ["pattern"] = parts[0], ["strategy"] = IsDigits(parts[0]) ? "id" : "name" };
            if (parts.Length == 2)
                user["group_idnames"]![0] = new JsonObject { ["pattern"] = parts[1], ["strategy"] = IsDigits(parts[1]) ? "id" : "name" };
            image.User = user;
        }
    }

    private static bool IsDigits(string s) => s.Length > 0 && s.All(char.IsDigit);

    private List<string> LayerHashes(ImageArchive archive)
    {
        var (files, warningTails) = ArchiveImageInfo.FirstImageLayerFiles(archive);
        var missing = files.Where(f => !_archiveLayerHashes.ContainsKey(archive.Path + "\0" + f)).ToHashSet(StringComparer.Ordinal);
        if (missing.Count > 0)
        {
            archive.ReadEntries(missing, (name, data) =>
            {
                _log.Detail($"hashing layer {name} of {archive.Path}");
                _archiveLayerHashes[archive.Path + "\0" + name] = LayerRootHash.Compute(data, $"{archive.Path}:{name}", _cancellationToken);
            });
        }
        return [.. warningTails, .. files.Select(f => _archiveLayerHashes[archive.Path + "\0" + f])];
    }

    // ---- writing the policy ----

    private string Serialize(ContainerGroup group, bool pretty)
    {
        var policy = new JsonArray();
        foreach (var image in group.Containers)
            policy.Add((JsonNode)image.PolicyJson(_options.OmitId));
        bool allSidecars = group.Containers.All(c => ConfcomPolicyRules.IsSidecar(_facts, c.ContainerImage));
        if (!allSidecars || group.Containers.Count == 0)
        {
            foreach (var c in _facts.Config["default_containers"]!.AsArray())
                policy.Add(c!.DeepClone());
            if (_options.DisableStdio)
                foreach (var c in policy)
                    c!["allow_stdio_access"] = false;
        }
        string containers = pretty ? PyJson.DumpsPrettySorted(policy) : PyJson.DumpsCompactSorted(policy);
        string api = PyJson.DumpsPrettySorted(_facts.Config["version_api"]);

        if (group.Containers.Count > 0 && PyJson.Truthy(group.Containers[0].Identifier)
            && ConfcomPolicyRules.IsSidecar(_facts, PyJson.PyStr(group.Containers[0].Identifier)))
            return Fill(_facts.SidecarFramework, api, containers);

        var fragments = new JsonArray();
        foreach (var f in group.Fragments)
        {
            var kept = new JsonObject();
            foreach (var (k, v) in f!.AsObject())
                if (k is "feed" or "minimum_svn" or "includes" or "issuer")
                    kept[k] = v?.DeepClone();
            fragments.Add((JsonNode)kept);
        }
        var debug = _facts.Config["debugMode"]!;
        bool D(string name, bool normal) => _options.DebugMode ? debug[name]!.GetValue<bool>() : normal;
        static string B(bool b) => b ? "true" : "false";
        return Fill(_facts.Framework, api, PyJson.DumpsPrettySorted(fragments), containers,
            B(D("allowPropertiesAccess", true)), B(D("allowDumpStacks", false)), B(D("allowRuntimeLogging", false)),
            B(D("allowEnvironmentVariableDropping", true)), B(D("allowUnencryptedScratch", false)), B(D("allowCapabilityDropping", true)));
    }

    /// <summary>Python's "%s" formatting of the framework text.</summary>
    private static string Fill(string framework, params string[] values)
    {
        var sb = new StringBuilder();
        int next = 0, at = 0;
        while (true)
        {
            int slot = framework.IndexOf("%s", at, StringComparison.Ordinal);
            if (slot < 0)
                break;
            sb.Append(framework, at, slot - at).Append(values[next++]);
            at = slot + 2;
        }
        return sb.Append(framework, at, framework.Length - at).ToString();
    }

    // ---- injecting (inject_policy_into_template) ----

    private bool Inject(string base64Policy, int count)
    {
        var template = ReadJsonFile(_options.TemplatePath, "the ARM template") as JsonObject;
        var resources = PyJson.Get(template, "resources") as JsonArray;
        var groups = resources!.Where(r => r is JsonObject o && PyJson.Str(o["type"]) is ContainerGroupType or ContainerGroupProfileType).Cast<JsonObject>().ToList();
        var resource = groups[count];
        var properties = PyJson.Get(resource, "properties") as JsonObject
            ?? throw Diag.Error(nameof(Strings.AciTemplateInvalid), "the container group has no properties");
        var confidential = PyJson.Get(properties, "confidentialComputeProperties");
        if (!PyJson.Truthy(confidential))
        {
            properties["confidentialComputeProperties"] = new JsonObject();
            confidential = PyJson.Get(properties, "confidentialComputeProperties");
        }
        bool write = false;
        if (!PyJson.Truthy(PyJson.Get(confidential, "ccePolicy")))
        {
            confidential!["ccePolicy"] = base64Policy;
            write = true;
        }
        else
        {
            string name = PyJson.PyStr(_arm!.Replace(PyJson.Get(resource, "name")));
            if (Ask($"Do you want to overwrite the CCE Policy currently in container group \"{name}\" in the ARM Template? (y/n) "))
            {
                confidential!["ccePolicy"] = base64Policy;
                write = true;
            }
        }
        if (write)
            AtomicFile.WriteAllText(_options.TemplatePath, PyJson.DumpsIndented(template));
        return write;
    }

    private static JsonNode? ReadJsonFile(string path, string what)
    {
        string text;
        try
        {
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Diag.Error(nameof(Strings.InputFileMissing), path, what);
        }
        if (text.Length == 0)
            return new JsonObject();
        try
        {
            return PyJson.Parse(text);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Diag.Error(nameof(Strings.AciJsonInvalid), path, e.Message);
        }
    }
}
