// `ccimage build PROJECT`: builds a .ccproj's images through the same Core pipeline the MSBuild targets run (all steps
// in order), for callers without MSBuild in the loop. The project is evaluated by MSBuild (no targets run), so its
// settings, Directory.Build files and conditions mean what they mean to `dotnet build`.
using System.CommandLine;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;
using CcImage.Core.Tools;

namespace CcImage.Cli.Commands;

internal static class BuildCommand
{
    public static Command Create()
    {
        var project = new Argument<string>("PROJECT") { Description = "The .ccproj to build." };
        var property = new Option<string[]>("--property", "-p")
        {
            Description = "Set a property, as dotnet build's -p:Name=Value (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        var configuration = new Option<string?>("--configuration", "-c") { Description = "The configuration (names the output folders)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print each tool's command line and cache hits." };
        var command = new Command("build", "Build a .ccproj's images with the pipeline `dotnet build` runs.")
        {
            project, property, configuration, verbose,
        };
        command.SetAction(CliErrors.Action((result, cancellationToken) =>
        {
            var properties = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string p in result.GetValue(property) ?? [])
            {
                int eq = p.IndexOf('=', StringComparison.Ordinal);
                if (eq <= 0)
                    throw Diag.Error(nameof(Strings.PropertyArgumentInvalid), p);
                properties[p[..eq].TrimStart(':')] = p[(eq + 1)..];
            }
            if (result.GetValue(configuration) is { } c)
                properties["Configuration"] = c;
            var log = new StderrLog(result.GetValue(verbose));
            var evaluated = ProjectEvaluation.Evaluate(result.GetValue(project)!, properties, new ToolRunner(log), cancellationToken);
            var record = ImageBuilder.Build(evaluated, log, cancellationToken);
            foreach (string output in record.Outputs)
                Console.Out.WriteLine(output);
            return 0;
        }));
        return command;
    }
}
