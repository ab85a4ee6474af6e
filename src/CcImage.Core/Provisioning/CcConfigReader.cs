// Reads NVFlare's per-site cc_config (CONTRACT.md §4) into a CcConfig: every value checked for its type and range, paths
// resolved (~ is the home folder, a relative path is relative to the YAML's folder) and checked to exist, each error a
// CCIMG60xx naming the file, the line and the key; unknown keys are warnings (CCIMG6010), never silently dropped.
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace CcImage.Core.Provisioning;

public sealed partial class CcConfigReader
{
    /// <summary>The largest drive size accepted, in GB (a qcow2 image holds at most 2^56 bytes; 64 TiB is plenty).</summary>
    public const double MaxDriveSizeGb = 65536;

    private const int MaxPort = 65535;
    private const int MaxHostNameLength = 253;

    private readonly string _file;
    private readonly List<CcImageException> _warnings = [];

    private CcConfigReader(string file) => _file = file;

    /// <summary>Reads and checks the cc_config at <paramref name="path"/>.</summary>
    public static CcConfigReadResult Read(string path)
    {
        string file = Path.GetFullPath(path);
        var reader = new CcConfigReader(file);
        var config = reader.Parse(YamlDocument.Load(file, "the cc_config"));
        return new CcConfigReadResult(config, reader._warnings);
    }

    private CcConfig Parse(YamlNode? root)
    {
        if (root is not YamlMappingNode map)
            throw Diag.At(_file, root is null ? 1 : YamlDocument.Line(root), nameof(Strings.CcConfigNotMapping), _file,
                root is null ? 1 : YamlDocument.Line(root), root is null ? "nothing" : YamlDocument.Describe(root));

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, valueNode) in map.Children)
        {
            string key = YamlDocument.KeyText(keyNode);
            int line = YamlDocument.Line(keyNode);
            if (!CcConfigKeys.All.Contains(key, StringComparer.Ordinal))
            {
                Warn(line, key, CcConfigKeys.All);
                continue;
            }
            lines[key] = line;
            values[key] = valueNode;
        }

        YamlNode? Get(string key) => values.TryGetValue(key, out var node) && !YamlDocument.IsNull(node) ? node : null;
        int LineOf(string key) => lines.TryGetValue(key, out int l) ? l : YamlDocument.Line(map);

        var computeEnvNode = Get(CcConfigKeys.ComputeEnv)
            ?? throw Diag.At(_file, LineOf(CcConfigKeys.ComputeEnv), nameof(Strings.CcConfigKeyMissing), _file, LineOf(CcConfigKeys.ComputeEnv),
                CcConfigKeys.ComputeEnv, "NVFlare needs it to pick the confidential-computing builder; for an on-premises SEV-SNP VM write compute_env: onprem_cvm");
        string computeEnv = Choice(CcConfigKeys.ComputeEnv, computeEnvNode, CcConfigKeys.ComputeEnvs);

        var checkFrequency = Get(CcConfigKeys.CcAttestation) is { } attestation ? ReadAttestation(attestation) : CcConfigKeys.DefaultCheckFrequency;
        var issuers = Get(CcConfigKeys.CcIssuers) is { } issuersNode ? ReadIssuers(issuersNode, checkFrequency) : [];

        if (values.ContainsKey(CcConfigKeys.HostsEntries) && values.ContainsKey(CcConfigKeys.HostEntries))
            throw Diag.At(_file, LineOf(CcConfigKeys.HostEntries), nameof(Strings.CcConfigHostsBothSpellings), _file, LineOf(CcConfigKeys.HostEntries));
        string hostsKey = values.ContainsKey(CcConfigKeys.HostEntries) ? CcConfigKeys.HostEntries : CcConfigKeys.HostsEntries;

        var defaults = new CcConfig { File = _file, ComputeEnv = computeEnv };
        return defaults with
        {
            CpuMechanism = Get(CcConfigKeys.CpuMechanism) is { } cpu ? Choice(CcConfigKeys.CpuMechanism, cpu, CcConfigKeys.CpuMechanisms) : CcConfigKeys.AmdSevSnp,
            GpuMechanism = Get(CcConfigKeys.GpuMechanism) is { } gpu ? Choice(CcConfigKeys.GpuMechanism, gpu, CcConfigKeys.GpuMechanisms) : null,
            CvmImageName = Get(CcConfigKeys.CvmImageName) is { } name ? ImageName(name) : null,
            Role = Get(CcConfigKeys.Role) is { } role ? Choice(CcConfigKeys.Role, role, CcConfigKeys.Roles) : null,
            RootDriveBytes = Get(CcConfigKeys.RootDriveSize) is { } rootSize ? DriveSize(CcConfigKeys.RootDriveSize, rootSize) : defaults.RootDriveBytes,
            ApplogDriveBytes = Get(CcConfigKeys.ApplogDriveSize) is { } applog ? DriveSize(CcConfigKeys.ApplogDriveSize, applog) : defaults.ApplogDriveBytes,
            UserConfigDriveBytes = Get(CcConfigKeys.UserConfigDriveSize) is { } uc ? DriveSize(CcConfigKeys.UserConfigDriveSize, uc) : defaults.UserConfigDriveBytes,
            UserDataDriveBytes = Get(CcConfigKeys.UserDataDriveSize) is { } ud ? DriveSize(CcConfigKeys.UserDataDriveSize, ud) : defaults.UserDataDriveBytes,
            DockerArchive = Get(CcConfigKeys.DockerArchive) is { } archive ? ExistingPath(CcConfigKeys.DockerArchive, archive, mustBeFile: true) : null,
            AllowedPorts = Get(CcConfigKeys.AllowedPorts) is { } inPorts ? Ports(CcConfigKeys.AllowedPorts, inPorts) : [],
            AllowedOutPorts = Get(CcConfigKeys.AllowedOutPorts) is { } outPorts ? Ports(CcConfigKeys.AllowedOutPorts, outPorts) : [],
            HostsEntries = Get(hostsKey) is { } hosts ? ReadHosts(hostsKey, hosts) : [],
            Issuers = issuers,
            CheckFrequency = checkFrequency,
            ClassAllowList = Get(CcConfigKeys.ClassAllowList) is { } allow ? StringList(CcConfigKeys.ClassAllowList, allow) : [],
            UserConfig = Get(CcConfigKeys.UserConfig) is { } userConfig ? ReadUserConfig(userConfig) : [],
            Lines = lines,
        };
    }

    private long ReadAttestation(YamlNode node)
    {
        var map = Mapping(CcConfigKeys.CcAttestation, node);
        long frequency = CcConfigKeys.DefaultCheckFrequency;
        foreach (var (keyNode, value) in map.Children)
        {
            string key = YamlDocument.KeyText(keyNode);
            if (key != CcConfigKeys.CheckFrequency)
            {
                Warn(YamlDocument.Line(keyNode), CcConfigKeys.CcAttestation + "." + key, CcConfigKeys.AttestationKeys);
                continue;
            }
            if (!YamlDocument.IsNull(value))
                frequency = PositiveInteger(CcConfigKeys.CcAttestation + "." + key, value, "a whole number of seconds greater than 0");
        }
        return frequency;
    }

    private List<CcIssuer> ReadIssuers(YamlNode node, long checkFrequency)
    {
        var list = new List<CcIssuer>();
        var items = Sequence(CcConfigKeys.CcIssuers, node);
        for (int i = 0; i < items.Children.Count; i++)
        {
            string where = $"{CcConfigKeys.CcIssuers}[{i}]";
            var map = Mapping(where, items.Children[i]);
            var values = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                string key = YamlDocument.KeyText(keyNode);
                if (CcConfigKeys.IssuerKeys.Contains(key, StringComparer.Ordinal))
                    values[key] = value;
                else
                    Warn(YamlDocument.Line(keyNode), $"{where}.{key}", CcConfigKeys.IssuerKeys);
            }
            string Required(string key, string why) =>
                values.TryGetValue(key, out var v) && !YamlDocument.IsNull(v)
                    ? NonEmptyString($"{where}.{key}", v)
                    : throw Diag.At(_file, YamlDocument.Line(map), nameof(Strings.CcConfigKeyMissing), _file, YamlDocument.Line(map), $"{where}.{key}", why);
            string id = Required(CcConfigKeys.IssuerId, "each issuer needs an id (e.g. snp_authorizer) the CC manager refers to it by");
            string path = Required(CcConfigKeys.IssuerPath, "each issuer needs the Python class of its authorizer (e.g. nvflare.app_opt.confidential_computing.snp_authorizer.SNPAuthorizer)");
            if (list.Any(x => x.Id == id))
                throw Diag.At(_file, YamlDocument.Line(map), nameof(Strings.CcConfigIssuerDuplicate), _file, YamlDocument.Line(map), id);
            long? expiration = null;
            if (values.TryGetValue(CcConfigKeys.IssuerTokenExpiration, out var exp) && !YamlDocument.IsNull(exp))
            {
                expiration = PositiveInteger($"{where}.{CcConfigKeys.IssuerTokenExpiration}", exp, "a whole number of seconds greater than 0");
                if (expiration >= checkFrequency)
                    throw Diag.At(_file, YamlDocument.Line(exp), nameof(Strings.CcConfigTokenExpiration), _file, YamlDocument.Line(exp),
                        expiration, id, checkFrequency);
            }
            var args = new JsonObject();
            if (values.TryGetValue(CcConfigKeys.IssuerArgs, out var argsNode) && !YamlDocument.IsNull(argsNode))
                args = (JsonObject)ToJson(Mapping($"{where}.{CcConfigKeys.IssuerArgs}", argsNode))!;
            list.Add(new CcIssuer(id, path) { TokenExpiration = expiration, Args = args, Line = YamlDocument.Line(map) });
        }
        return list;
    }

    private List<HostsEntry> ReadHosts(string key, YamlNode node)
    {
        var entries = new List<HostsEntry>();
        foreach (var (nameNode, addressNode) in Mapping(key, node).Children)
        {
            int line = YamlDocument.Line(nameNode);
            string name = YamlDocument.KeyText(nameNode);
            if (name.Length is 0 or > MaxHostNameLength || !HostName().IsMatch(name))
                throw Diag.At(_file, line, nameof(Strings.CcConfigHostNameInvalid), _file, line, name, key);
            // An unquoted IPv4 address is a string to YAML; a bare number is not an address.
            string? text = (addressNode as YamlScalarNode)?.Value;
            if (text is null || addressNode is not YamlScalarNode || !IPAddress.TryParse(text, out var address) || !LooksLikeAddress(text))
                throw Diag.At(_file, line, nameof(Strings.CcConfigAddressInvalid), _file, line, text ?? YamlDocument.Describe(addressNode), name, key);
            if (entries.Any(e => e.Name.Equals(name, StringComparison.OrdinalIgnoreCase)))
                throw Diag.At(_file, line, nameof(Strings.CcConfigHostRepeated), _file, line, name, key);
            entries.Add(new HostsEntry(name, address) { Line = line });
        }
        return entries;
    }

    private List<UserConfigEntry> ReadUserConfig(YamlNode node)
    {
        var entries = new List<UserConfigEntry>();
        foreach (var (keyNode, valueNode) in Mapping(CcConfigKeys.UserConfig, node).Children)
        {
            int line = YamlDocument.Line(keyNode);
            string key = YamlDocument.KeyText(keyNode);
            if (!FolderName().IsMatch(key) || key is "." or "..")
                throw Diag.At(_file, line, nameof(Strings.CcConfigUserConfigKeyInvalid), _file, line, key);
            string path = ExistingPath($"{CcConfigKeys.UserConfig}.{key}", valueNode, mustBeFile: false);
            entries.Add(new UserConfigEntry(key, path) { Line = line });
        }
        return entries;
    }

    private List<int> Ports(string key, YamlNode node)
    {
        var ports = new List<int>();
        foreach (var item in Sequence(key, node).Children)
        {
            long? port = YamlDocument.AsInteger(item);
            if (port is null or < 1 or > MaxPort)
                throw Diag.At(_file, YamlDocument.Line(item), nameof(Strings.CcConfigPortInvalid), _file, YamlDocument.Line(item), key,
                    item is YamlScalarNode { Value: { } v } ? v : YamlDocument.Describe(item));
            if (ports.Contains((int)port))
                _warnings.Add(Diag.At(_file, YamlDocument.Line(item), nameof(Strings.CcConfigPortRepeated), _file, YamlDocument.Line(item), port, key));
            else
                ports.Add((int)port);
        }
        return ports;
    }

    private long DriveSize(string key, YamlNode node)
    {
        double? gb = YamlDocument.AsNumber(node);
        if (gb is null)
            throw WrongType(key, node, "a number of GB (e.g. 10)");
        if (gb is not (> 0 and <= MaxDriveSizeGb))
            throw Diag.At(_file, YamlDocument.Line(node), nameof(Strings.CcConfigSizeInvalid), _file, YamlDocument.Line(node), key,
                gb.Value.ToString(CultureInfo.InvariantCulture), MaxDriveSizeGb.ToString(CultureInfo.InvariantCulture));
        // Whole MiB, rounded up: partitions and qcow2 clusters align to it.
        const long MiB = 1L << 20;
        long mib = (long)Math.Ceiling(gb.Value * (CcConfig.BytesPerGb / MiB));
        return mib * MiB;
    }

    private string ImageName(YamlNode node)
    {
        string name = NonEmptyString(CcConfigKeys.CvmImageName, node);
        if (!FolderName().IsMatch(name))
            throw WrongType(CcConfigKeys.CvmImageName, node, "a file name of letters, digits, '.', '_' and '-'");
        return name;
    }

    private string ExistingPath(string key, YamlNode node, bool mustBeFile)
    {
        string text = NonEmptyString(key, node);
        int line = YamlDocument.Line(node);
        string path = ResolvePath(text, Path.GetDirectoryName(_file)!);
        bool exists = mustBeFile ? File.Exists(path) : File.Exists(path) || Directory.Exists(path);
        if (!exists)
            throw Diag.At(_file, line, nameof(Strings.CcConfigPathMissing), _file, line, key, text,
                path == text ? "" : $" (resolved to {path})", Path.GetDirectoryName(_file));
        if (mustBeFile)
            InputFile.Require(path, key);
        return path;
    }

    /// <summary>~ and ~/x are the user's home folder; a relative path is relative to <paramref name="baseDirectory"/>.</summary>
    public static string ResolvePath(string text, string baseDirectory)
    {
        if (text == "~" || text.StartsWith("~/", StringComparison.Ordinal))
            text = Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), text[1..]);
        return Path.GetFullPath(text, baseDirectory);
    }

    private List<string> StringList(string key, YamlNode node)
    {
        var seq = Sequence(key, node);
        return seq.Children.Select((item, i) => NonEmptyString($"{key}[{i}]", item)).ToList();
    }

    private string Choice(string key, YamlNode node, IReadOnlyList<string> choices)
    {
        string value = NonEmptyString(key, node);
        if (!choices.Contains(value, StringComparer.Ordinal))
            throw Diag.At(_file, YamlDocument.Line(node), nameof(Strings.CcConfigValueNotChoice), _file, YamlDocument.Line(node), key, value,
                string.Join(", ", choices));
        return value;
    }

    private long PositiveInteger(string key, YamlNode node, string expected)
    {
        long? value = YamlDocument.AsInteger(node);
        if (value is null or < 1)
            throw WrongType(key, node, expected);
        return value.Value;
    }

    private string NonEmptyString(string key, YamlNode node)
    {
        string? text = YamlDocument.AsString(node);
        if (string.IsNullOrWhiteSpace(text))
            throw WrongType(key, node, "a non-empty string");
        return text.Trim();
    }

    private YamlMappingNode Mapping(string key, YamlNode node) =>
        node as YamlMappingNode ?? throw WrongType(key, node, "a mapping (key: value lines)");

    private YamlSequenceNode Sequence(string key, YamlNode node) =>
        node as YamlSequenceNode ?? throw WrongType(key, node, "a list (e.g. [8002] or lines starting with '- ')");

    private CcImageException WrongType(string key, YamlNode node, string expected) =>
        Diag.At(_file, YamlDocument.Line(node), nameof(Strings.CcConfigWrongType), _file, YamlDocument.Line(node), key, expected,
            YamlDocument.Describe(node));

    private void Warn(int line, string key, IReadOnlyList<string> known)
    {
        string leaf = key.Contains('.', StringComparison.Ordinal) ? key[(key.LastIndexOf('.') + 1)..] : key;
        string? suggestion = new KnownSettings(known, new Dictionary<string, IReadOnlyList<string>>()).SuggestProperty(leaf);
        _warnings.Add(Diag.At(_file, line, nameof(Strings.CcConfigUnknownKey), _file, line, key,
            suggestion != null ? $" Did you mean '{suggestion}'?" : $" Known keys: {string.Join(", ", known)}."));
    }

    /// <summary>A YAML value as JSON (scalars typed as safe_load types them).</summary>
    internal static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c =>
            new KeyValuePair<string, JsonNode?>(YamlDocument.KeyText(c.Key), ToJson(c.Value)))),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(ToJson).ToArray()),
        _ when YamlDocument.IsNull(node) => null,
        _ when YamlDocument.AsInteger(node) is { } i => JsonValue.Create(i),
        _ when YamlDocument.AsNumber(node) is { } f => JsonValue.Create(f),
        _ when YamlDocument.AsBoolean(node) is { } b => JsonValue.Create(b),
        YamlScalarNode s => JsonValue.Create(s.Value ?? ""),
        _ => null,
    };

    private static bool LooksLikeAddress(string text) => text.Contains(':', StringComparison.Ordinal) || DottedQuad().IsMatch(text);

    [GeneratedRegex(@"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex FolderName();

    [GeneratedRegex(@"^\d{1,3}(\.\d{1,3}){3}$")]
    private static partial Regex DottedQuad();
}
