// Entry point of `ccimage`: wires the sub-commands; bad usage and CcImage errors become a one-line reason on stderr.
using System.CommandLine;
using CcImage.Cli.Commands;
using CcImage.Core.Diagnostics;

// `measure` is read by its own argparse-compatible parser; dispatching it before System.CommandLine is loaded also
// keeps its start-up short (bench/measure).
if (args.Length > 0 && args[0] == "measure")
    return MeasureCommand.Run(args[1..]);
if (args.Length > 0 && args[0] == "aci")
    return AciCommand.Run(args[1..]);
return RunCommandLine(args);

static int RunCommandLine(string[] args)
{
    var root = new RootCommand("ccimage — build and check confidential-VM images (qcow2, GPT, dm-verity, SEV-SNP measurement).")
    {
        Qcow2Command.Create(),
        VerityCommand.Create(),
        MeasureCommand.Create(),
        BuildCommand.Create(),
    };

    CliErrors.InstallCancellation();
    try
    {
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // Bad usage is one line, like every other error; `--help` shows the full usage.
            string usage = string.Join(' ', ["ccimage", .. args.TakeWhile(a => !a.StartsWith('-')).Take(2), "--help"]);
            Console.Error.WriteLine($"ccimage: {string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')))} (see '{usage}')");
            return 2;
        }
        return parsed.Invoke(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
    catch (CcImageException e)
    {
        Console.Error.WriteLine($"ccimage: {e.Code}: {e.Message}");
        return 1;
    }
}
