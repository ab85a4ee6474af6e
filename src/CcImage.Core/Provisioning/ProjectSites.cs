// A project's NVFlare project.yml (CcProjectFile) as image projects: one per participant with a cc_config, each mapped
// by CvmSite into <intermediate>/sites/<site>/ with its output in <output>/<site>/, inheriting the project's own
// settings (mirror, cache, vCPUs, ...) except those the mapping owns, its seed extended by the site's name, and its
// startup kit from CcStartupKitsDir/<site> when the cc_config names none.
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Provisioning;

public static class ProjectSites
{
    /// <summary>Settings a site does not inherit from the project that names the project.yml.</summary>
    private static readonly HashSet<string> NotInherited = new(StringComparer.Ordinal)
    {
        "CcOutputDir", "CcIntermediateDir", "CcProjectFile", "CcStartupKitsDir", "CcImageSeed", "CcCvmBundle", "CcKernelCmdline",
    };

    public static IReadOnlyList<CvmSite> Prepare(ImageProject parent, ILog log, CancellationToken cancellationToken)
    {
        string projectFile = parent.Settings.Path("CcProjectFile", parent.ProjectDirectory)
            ?? throw Diag.Error(nameof(Strings.RequiredPropertyMissing), "CcProjectFile", "the NVFlare project.yml");
        if (!File.Exists(projectFile))
            throw Diag.Error(nameof(Strings.ProjectFileNoSites), projectFile);
        var nvflare = NvflareProjectReader.Read(projectFile);
        string? kits = parent.Settings.Path("CcStartupKitsDir", parent.ProjectDirectory);

        var inherited = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var setting in SettingsTable.All)
        {
            if (NotInherited.Contains(setting.Name) || CvmSite.OwnedSettings.Contains(setting.Name, StringComparer.Ordinal))
                continue;
            string? value = setting.Kind == SettingKind.Path
                ? parent.Settings.Path(setting.Name, parent.ProjectDirectory)
                : parent.Settings.Optional(setting.Name);
            if (value != null && value != setting.Default)
                inherited[setting.Name] = value;
        }

        var sites = new List<CvmSite>();
        foreach (var participant in nvflare.CcParticipants)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var read = CcConfigReader.Read(participant.CcConfig!);
            foreach (var warning in read.Warnings)
                log.Warning(warning.Code, $"{warning.Message}");
            var config = read.Config;
            if (config.StartupKit is null && kits != null && Directory.Exists(Path.Combine(kits, participant.Name)))
                config = config with { UserConfig = [.. config.UserConfig, new UserConfigEntry(CcConfigKeys.NvflareUserConfig, Path.Combine(kits, participant.Name))] };
            string siteDirectory = Path.Combine(parent.IntermediateDirectory, "sites", participant.Name);
            var settings = new Dictionary<string, string>(inherited, StringComparer.Ordinal)
            {
                ["CcOutputDir"] = Path.Combine(parent.OutputDirectory, participant.Name) + "/",
                ["CcIntermediateDir"] = Path.Combine(siteDirectory, "obj") + "/",
                ["CcImageSeed"] = parent.Seed + "/" + participant.Name,
            };
            if (parent.Settings.Optional("CcKernelCmdline") is { } extra)
                settings["CcKernelCmdline"] = extra;
            sites.Add(CvmSite.Prepare(new CvmSiteRequest
            {
                Config = config,
                SiteName = participant.Name,
                SiteDirectory = siteDirectory,
                Settings = settings,
                SettingsSource = parent.ProjectPath,
                ParticipantType = participant.Type,
                ProjectFile = projectFile,
            }, log, cancellationToken));
        }
        return sites;
    }
}
