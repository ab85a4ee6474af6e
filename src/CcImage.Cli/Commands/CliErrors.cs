// Shared helpers for commands: run an action, print CcImage errors as one line on stderr and return exit code 1.
using CcImage.Core.Diagnostics;

namespace CcImage.Cli.Commands;

internal static class CliErrors
{
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
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"ccimage: {e.Message}");
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
