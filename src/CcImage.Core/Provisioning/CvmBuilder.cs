// `ccimage build-cvm CC_CONFIG.yml`, NVFlare OnPremPackager's build_image_cmd (CONTRACT.md §2): reads the cc_config
// before anything else (NVFlare deletes it as soon as the command returns), maps it onto an image project (CvmSite),
// builds that through the one pipeline entry point (ImageBuilder.Build, sharing the stage cache with every other build,
// so a second site reuses the root file system and other shared stages) and writes the bundle. Work files go to
// <dir>/sites/<site>/, bundles to <dir>/bundles/<site>/cvm_<id>.tgz, where <dir> is CCIMAGE_CVM_DIR or
// $XDG_STATE_HOME/ccimage/cvm; the current folder is never used. A failed build leaves no bundle of the site behind.
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Provisioning;

public static class CvmBuilder
{
    public static CvmBundleResult Build(string ccConfigPath, CvmBuildOptions options, ILog log, CancellationToken cancellationToken)
    {
        // First: read the YAML whole (it may be gone a moment after this command ends, or be deleted by then).
        var read = CcConfigReader.Read(ccConfigPath);
        foreach (var warning in read.Warnings)
            log.Warning(warning.Code, warning.Message);
        var config = read.Config;

        string site = options.SiteName
            ?? (config.StartupKit is { } kit ? Path.GetFileName(kit.TrimEnd('/')) : Path.GetFileNameWithoutExtension(config.File));
        string root = Path.GetFullPath(options.Directory ?? CvmBuildOptions.DefaultDirectory());
        string bundles = Path.Combine(root, "bundles", site);
        if (bundles.Any(char.IsWhiteSpace))
            throw Diag.Error(nameof(Strings.CvmOutputPathWhitespace), bundles);

        var settings = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["CcPackageLockFile"] = Path.Combine(root, "ccimage.lock.json"),
        };
        string? fromEnvironment = Environment.GetEnvironmentVariable(CvmBuildOptions.PropertiesVariable);
        foreach (string p in (fromEnvironment ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            AddProperty(settings, p, CvmBuildOptions.PropertiesVariable);
        foreach (string p in options.Properties)
            AddProperty(settings, p, "-p");

        var prepared = CvmSite.Prepare(new CvmSiteRequest
        {
            Config = config,
            SiteName = site,
            SiteDirectory = Path.Combine(root, "sites", site),
            Settings = settings,
            SettingsSource = $"{CvmBuildOptions.PropertiesVariable} or -p",
        }, log, cancellationToken);

        // No bundle of this site stays from an earlier run: after a failure, nothing is there to mistake for a result.
        RemoveBundles(bundles);
        log.Info($"Building site {site} (vm_id {prepared.Facts.VmId}, role {prepared.Facts.Role})...");
        StageRecord record;
        try
        {
            record = ImageBuilder.Build(prepared.Project, log, cancellationToken);
        }
        catch (CcImageException e) when (e.Code == Diag.Format(nameof(Strings.DiskSizeTooSmall), 0, 0).Code)
        {
            int line = config.LineOf(CcConfigKeys.RootDriveSize);
            throw Diag.At(config.File, line, nameof(Strings.CvmRootDriveTooSmall), config.File, line, e.Message);
        }
        string? diskName = config.CvmImageName is { } name ? name + ".qcow2" : null;
        return CvmBundle.Write(prepared.Project, record, site, diskName, bundles, log, cancellationToken);
    }

    private static void AddProperty(Dictionary<string, string> settings, string assignment, string source)
    {
        int eq = assignment.IndexOf('=', StringComparison.Ordinal);
        string name = eq > 0 ? assignment[..eq].Trim() : "";
        if (name.Length == 0 || SettingsTable.Find(name) is null)
            throw Diag.Error(nameof(Strings.CvmPropertyInvalid), assignment, source);
        settings[name] = assignment[(eq + 1)..].Trim();
    }

    private static void RemoveBundles(string folder)
    {
        if (!Directory.Exists(folder))
            return;
        foreach (string old in Directory.GetFiles(folder, CvmBundle.FolderPrefix + "*.tgz"))
            File.Delete(old);
    }
}
