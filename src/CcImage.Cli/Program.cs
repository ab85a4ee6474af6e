// Entry point of `ccimage`: wires the sub-commands. One style for every command: `--help` on each, results on stdout,
// bad usage is one line on stderr and exit 2 (an unknown command says so and lists the commands), a failure is one
// line `ccimage: CCIMGnnnn: reason` and exit 1, Ctrl+C/SIGTERM cancel System.CommandLine's token (exit 130).
using System.CommandLine;
using CcImage.Cli.Commands;

// `measure` is read by its own argparse-compatible parser; dispatching it before System.CommandLine is loaded also
// keeps its start-up short (bench/measure), and the crypto library loads while its arguments are read.
if (args.Length > 0 && args[0] == "measure")
{
    CcImage.Core.Hashing.CryptoWarmUp.Start();
    return MeasureCommand.Run(args[1..]);
}
return RunCommandLine(args);

static int RunCommandLine(string[] args)
{
    var root = new RootCommand("ccimage — build and check confidential-VM images (qcow2, GPT, dm-verity, SEV-SNP measurement).")
    {
        Qcow2Command.Create(),
        VerityCommand.Create(),
        MeasureCommand.Create(),
        BuildCommand.Create(),
        AciCommand.Create(),
        BuildCvmCommand.Create(),
        HostCheckCommand.Create(),
    };

    var parsed = root.Parse(args);
    if (parsed.Errors.Count > 0)
    {
        Console.Error.WriteLine("ccimage: " + CliErrors.DescribeUsageError(parsed, args));
        return CliErrors.ExitUsage;
    }
    // Ctrl+C and SIGTERM cancel the action's token; the action then has this long to remove its temp files.
    var invocation = new InvocationConfiguration { ProcessTerminationTimeout = CliErrors.CleanupTimeout };
    return parsed.InvokeAsync(invocation).GetAwaiter().GetResult();
}
