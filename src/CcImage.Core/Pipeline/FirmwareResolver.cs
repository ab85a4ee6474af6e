// The firmware an image boots and is measured with: CcOvmf when the project names a file, else OVMF.amdsev.fd out of
// the pinned Debian package (CcOvmfPackage/Suite/Version, checked against CcOvmfSha256), fetched once into the stage
// cache's Debian folder and found there by its version afterwards, without asking apt again.
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;
using CcImage.Core.Packages;

namespace CcImage.Core.Pipeline;

public static class FirmwareResolver
{
    /// <summary>The Debian packages the pipeline fetches live here, under the stage cache.</summary>
    public static string DebianCache(PipelineContext context) => Path.Combine(context.Cache.Root, "debian");

    public static string Resolve(PipelineContext context)
    {
        var settings = context.Project.Settings;
        string? sha256 = settings.Optional("CcOvmfSha256");
        if (settings.Path("CcOvmf", context.Project.ProjectDirectory) is { } given)
        {
            InputFile.Require(given, "CcOvmf", InputFile.MaxFirmwareBytes);
            // The pinned default describes the default firmware; a file of the project's own is checked only against a pin
            // the project sets itself.
            if (sha256 != null && sha256 != SettingsTable.PinnedOvmfSha256)
                CheckSha256(given, sha256, "CcOvmf");
            return given;
        }
        var fetcher = new DebianPackageFetcher(context.Runner, context.Log, DebianCache(context));
        return fetcher.FetchFile(settings["CcOvmfPackage"], settings["CcOvmfSuite"], settings["CcOvmfPath"],
            settings.Optional("CcOvmfVersion"), sha256, context.CancellationToken);
    }

    private static void CheckSha256(string path, string expected, string what)
    {
        string actual = FileHash.Sha256Hex(path);
        if (!actual.Equals(expected, StringComparison.OrdinalIgnoreCase))
            throw Diag.Error(nameof(Strings.DebianSha256Mismatch), path, what, "given file", actual, expected);
    }
}
