// `ccimage build-cvm CC_CONFIG.yml`: NVFlare OnPremPackager's build_image_cmd (CONTRACT.md §2). Builds the site's
// confidential VM from its cc_config and prints `CVM Bundle <path> is ready` as the only line on stdout. Progress goes
// to stderr, at most a few KiB of it (NVFlare reads stdout and stderr a line at a time in turn, so a chatty stream
// could fill its pipe and stall both), and in full to build.log in the site's work folder.
using System.CommandLine;
using CcImage.Core.Diagnostics;
using CcImage.Core.Provisioning;

namespace CcImage.Cli.Commands;

internal static class BuildCvmCommand
{
    public static Command Create()
    {
        var config = new Argument<string>("CC_CONFIG") { Description = "The site's cc_config YAML (NVFlare passes a temporary copy with user_config.nvflare set)." };
        var site = new Option<string?>("--site") { Description = "The site's name (default: the name of the user_config nvflare folder, else of the YAML)." };
        var directory = new Option<string?>("--directory", "-d")
        {
            Description = $"Folder for work files and bundles (default: ${CvmBuildOptions.DirectoryVariable}, else $XDG_STATE_HOME/ccimage/cvm).",
        };
        var property = new Option<string[]>("--property", "-p")
        {
            Description = $"Set a CcImage property, Name=Value (repeatable; also ${CvmBuildOptions.PropertiesVariable}=\"A=1;B=2\").",
            AllowMultipleArgumentsPerToken = false,
        };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Print all progress on stderr (NVFlare's packager may stall on much output)." };
        var command = new Command("build-cvm", "Build an NVFlare site's confidential VM bundle from its cc_config (OnPremPackager's build_image_cmd).")
        {
            config, site, directory, property, verbose,
        };
        command.SetAction(CliErrors.Action((result, cancellationToken) =>
        {
            using var log = new CvmLog(result.GetValue(verbose));
            var options = new CvmBuildOptions
            {
                SiteName = result.GetValue(site),
                Directory = result.GetValue(directory),
                Properties = result.GetValue(property) ?? [],
            };
            var bundle = CvmBuilder.Build(result.GetValue(config)!, options, log, cancellationToken);
            log.SaveNextTo(Path.GetDirectoryName(bundle.Path)!);
            Console.Out.WriteLine($"CVM Bundle {bundle.Path} is ready");
            return 0;
        }));
        return command;
    }
}
