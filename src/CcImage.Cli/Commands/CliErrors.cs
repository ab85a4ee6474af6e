// Shared helpers for commands: the exit codes, one line on stderr for bad usage and for CcImage and I/O errors, and
// the wording of usage errors (an unknown command lists the commands). Cancellation is System.CommandLine's own token,
// passed to each action; work in progress removes its temp files before the process exits (130).
using System.CommandLine;
using CcImage.Core.Diagnostics;

namespace CcImage.Cli.Commands;

internal static class CliErrors
{
    /// <summary>Exit code of a failure: bad input, a failed step (the line names its CCIMG code).</summary>
    public const int ExitFailure = 1;

    /// <summary>Exit code of bad usage: an unknown command or option, a missing argument (as argparse and getopt tools).</summary>
    public const int ExitUsage = 2;

    /// <summary>Exit code after Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int ExitCancelled = 130;

    /// <summary>How long a cancelled command may take to stop and remove its temp files before the process is ended.</summary>
    public static readonly TimeSpan CleanupTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Whether <paramref name="e"/> is one of `ccimage measure`'s usage errors (its argparse-compatible parser),
    /// which exit 2 as the reference's do. Looked up only on an error, so a successful run reads no resources.</summary>
    private static bool IsUsageError(CcImageException e) => e.Code == Diag.Format(nameof(Strings.SnpUsage), "").Code;

    /// <summary>Runs <paramref name="action"/>; any CcImage or I/O error becomes one line on stderr and exit 1.</summary>
    public static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (CcImageException e)
        {
            Console.Error.WriteLine($"ccimage: {e.Code}: {e.Message}");
            return IsUsageError(e) ? ExitUsage : ExitFailure;
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine("ccimage: cancelled; nothing was written");
            return ExitCancelled;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var error = Diag.Error(nameof(Strings.FileOperationFailed), e.Message);
            Console.Error.WriteLine($"ccimage: {error.Code}: {error.Message}");
            return ExitFailure;
        }
        catch (Exception e)
        {
            // Never a stack trace: a bug is reported as one line with its code, so scripts see a clean failure.
            var error = Diag.Error(nameof(Strings.InternalError), e.GetType().Name, e.Message);
            Console.Error.WriteLine($"ccimage: {error.Code}: {error.Message}");
            return ExitFailure;
        }
    }

    /// <summary>An action for System.CommandLine that runs <paramref name="action"/> under <see cref="Guard"/> with the
    /// invocation's cancellation token (cancelled by Ctrl+C and SIGTERM). The work runs on the thread pool, so the
    /// invocation has registered its signal handlers before it starts and waits for it to clean up after a signal.</summary>
    public static Func<ParseResult, CancellationToken, Task<int>> Action(Func<ParseResult, CancellationToken, int> action) =>
        (result, cancellationToken) => Task.Run(() => Guard(() => action(result, cancellationToken)), CancellationToken.None);

    /// <summary>One line for a parse failure: an unknown command names the commands there are; anything else is
    /// System.CommandLine's message with where to find the usage.</summary>
    public static string DescribeUsageError(ParseResult parsed, string[] args)
    {
        // The deepest command the arguments reached, and the first word that is not one of its sub-commands.
        Command command = parsed.CommandResult.Command;
        string path = string.Join(' ', ["ccimage", .. CommandPath(parsed).Skip(1)]);
        var subcommands = command.Subcommands.Select(c => c.Name).ToList();
        int depth = CommandPath(parsed).Count() - 1;
        string? next = args.Skip(depth).FirstOrDefault(a => !a.StartsWith('-'));
        if (subcommands.Count > 0 && (next is null || !subcommands.Contains(next, StringComparer.Ordinal)))
        {
            string what = next is null ? $"'{path}' needs a command" : $"'{next}' is not a {path} command";
            return $"{what}; the commands are: {string.Join(", ", subcommands)} (see '{path} --help')";
        }
        string reasons = string.Join("; ", parsed.Errors.Select(e => e.Message.TrimEnd('.')).Distinct());
        return $"{reasons} (see '{path} --help')";

        // The names of the commands from the root down to the one the arguments reached.
        static IEnumerable<string> CommandPath(ParseResult parsed)
        {
            var names = new List<string>();
            for (var r = parsed.CommandResult; r != null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
                names.Insert(0, r.Command.Name);
            return names;
        }
    }
}

/// <summary>A log that writes progress to stderr (stdout is reserved for results).</summary>
internal sealed class StderrLog(bool verbose) : ILog
{
    public void Info(string message) => Console.Error.WriteLine(message);
    public void Detail(string message) { if (verbose) Console.Error.WriteLine(message); }
    public void Warning(string code, string message) => Console.Error.WriteLine($"warning {code}: {message}");
}
