// Shared helpers for commands: run an action, print CcImage errors as one line on stderr and return exit code 1;
// Ctrl+C and SIGTERM cancel Token so that work in progress removes its temp files before the process exits (130).
using System.Runtime.InteropServices;
using CcImage.Core.Diagnostics;

namespace CcImage.Cli.Commands;

internal static class CliErrors
{
    /// <summary>Exit code after Ctrl+C or SIGTERM (128 + SIGINT, as shells report it).</summary>
    public const int ExitCancelled = 130;

    private static readonly CancellationTokenSource Cancellation = new();
    private static PosixSignalRegistration? _sigterm;

    /// <summary>Cancelled by Ctrl+C or SIGTERM; pass it to every long-running Core call.</summary>
    public static CancellationToken Token => Cancellation.Token;

    /// <summary>Turns Ctrl+C and SIGTERM into cancellation of <see cref="Token"/> instead of an abrupt exit.</summary>
    public static void InstallCancellation()
    {
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            Cancellation.Cancel();
        };
        _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            Cancellation.Cancel();
        });
    }

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
            return 1;
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
            return 1;
        }
        catch (Exception e)
        {
            // Never a stack trace: a bug is reported as one line with its code, so scripts see a clean failure.
            var error = Diag.Error(nameof(Strings.InternalError), e.GetType().Name, e.Message);
            Console.Error.WriteLine($"ccimage: {error.Code}: {error.Message}");
            return 1;
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
