// Reads an NVFlare project.yml (api_version 3: name, participants with name, type, org and optionally cc_config). A
// cc_config path is relative to the project.yml's folder (where `nvflare provision -p project.yml` is usually run).
// Participant keys other than these are NVFlare's (fed_learn_port, admin_port, listening_host, ...) and pass silently.
using System.Text.RegularExpressions;
using CcImage.Core.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace CcImage.Core.Provisioning;

public static partial class NvflareProjectReader
{
    public const string CcConfigKey = "cc_config";

    public static NvflareProject Read(string path)
    {
        string file = Path.GetFullPath(path);
        var root = YamlDocument.Load(file, "the NVFlare project.yml");
        if (root is not YamlMappingNode map)
            throw Invalid(file, root is null ? 1 : YamlDocument.Line(root), "a project.yml is a mapping with name: and participants:");
        string name = map.Children.TryGetValue(new YamlScalarNode("name"), out var nameNode) && YamlDocument.AsString(nameNode) is { Length: > 0 } n
            ? n : Path.GetFileNameWithoutExtension(file);
        if (!map.Children.TryGetValue(new YamlScalarNode("participants"), out var list) || list is not YamlSequenceNode participants)
            throw Invalid(file, YamlDocument.Line(map), "it needs a 'participants:' list (each with name and type)");

        var result = new List<NvflareParticipant>();
        foreach (var node in participants.Children)
        {
            int line = YamlDocument.Line(node);
            if (node is not YamlMappingNode p)
                throw Invalid(file, line, "each participant is a mapping with name and type");
            string Text(string key, bool required)
            {
                if (p.Children.TryGetValue(new YamlScalarNode(key), out var v) && YamlDocument.AsString(v) is { Length: > 0 } s)
                    return s.Trim();
                return required ? throw Invalid(file, line, $"a participant needs a '{key}' string") : "";
            }
            string participant = Text("name", required: true);
            string type = Text("type", required: true);
            if (result.Any(r => r.Name == participant))
                throw Diag.At(file, line, nameof(Strings.NvflareProjectDuplicateName), file, line, participant);
            string? ccConfig = null;
            if (p.Children.TryGetValue(new YamlScalarNode(CcConfigKey), out var cc) && !YamlDocument.IsNull(cc))
            {
                int ccLine = YamlDocument.Line(cc);
                string text = YamlDocument.AsString(cc) ?? throw Invalid(file, ccLine, $"cc_config of '{participant}' must be a file name");
                if (type is not ("server" or "client"))
                    throw Diag.At(file, ccLine, nameof(Strings.NvflareProjectCcType), file, ccLine, participant, type);
                ccConfig = CcConfigReader.ResolvePath(text, Path.GetDirectoryName(file)!);
                if (!File.Exists(ccConfig))
                    throw Invalid(file, ccLine, $"the cc_config '{text}' of participant '{participant}' does not exist (looked for {ccConfig})");
            }
            result.Add(new NvflareParticipant(participant, type) { CcConfig = ccConfig, Line = line });
        }
        var project = new NvflareProject(file, name, result);
        if (!project.CcParticipants.Any())
            throw Diag.At(file, 1, nameof(Strings.NvflareProjectNoCcSites), file);
        return project;
    }

    private static CcImageException Invalid(string file, int line, string what) =>
        Diag.At(file, line, nameof(Strings.NvflareProjectInvalid), file, line, what);

    /// <summary>True when <paramref name="name"/> can name a site's VM, folders and bundle (CvmSite.CheckName).</summary>
    public static bool IsSiteName(string name) => SiteName().IsMatch(name);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@-]{0,62}$")]
    private static partial Regex SiteName();
}
