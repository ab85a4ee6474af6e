// The one way CcImage runs an external program: logs the command line with secrets masked, captures output (and, for
// long-running tools, hands each line to a callback as it arrives so progress shows while the tool runs), enforces a
// timeout, kills the whole process on cancellation, and turns a missing tool into CCIMG3001.
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Text;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Tools;

public sealed record ToolResult(int ExitCode, string StandardOutput, string StandardError);

public sealed class ToolRunner
{
    private readonly ILog _log;

    public ToolRunner(ILog log) => _log = log;

    /// <summary>Arguments whose values are replaced with <c>***</c> in logs and error messages.</summary>
    public ISet<string> Secrets { get; } = new HashSet<string>(StringComparer.Ordinal);

    public TimeSpan DefaultTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Finds <paramref name="tool"/> on PATH, or throws CCIMG3001 naming the package to install.</summary>
    public static string Locate(HostTool tool)
    {
        if (tool.Command.Contains('/'))
            return File.Exists(tool.Command) ? tool.Command : throw Diag.Error(nameof(Strings.ToolMissing), tool.Command, tool.DebianPackage);
        string path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var dirs = path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]);
        foreach (string dir in dirs)
        {
            string candidate = Path.Combine(dir, tool.Command);
            if (File.Exists(candidate))
                return candidate;
        }
        throw Diag.Error(nameof(Strings.ToolMissing), tool.Command, tool.DebianPackage);
    }

    /// <summary>
    /// Runs the tool; a non-zero exit is CCIMG3002 unless <paramref name="allowFailure"/>. When
    /// <paramref name="outputLine"/> is given it receives every line of standard output and standard error (masked)
    /// while the tool runs, from the reader threads, one call at a time; the captured text is returned as well.
    /// </summary>
    public ToolResult Run(HostTool tool, IEnumerable<string> arguments, string? workingDirectory = null,
        IDictionary<string, string?>? environment = null, TimeSpan? timeout = null, bool allowFailure = false,
        Action<string>? outputLine = null, CancellationToken cancellationToken = default)
    {
        string exe = Locate(tool);
        var args = arguments.ToList();
        string shown = Mask(tool.Command + " " + string.Join(' ', args.Select(Quote)));
        _log.Detail(shown);

        var psi = new ProcessStartInfo(exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        if (environment != null)
            foreach (var (k, v) in environment)
            {
                if (v == null) psi.Environment.Remove(k);
                else psi.Environment[k] = v;
            }

        using var process = new Process { StartInfo = psi };
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        var streamGate = new object();
        ExceptionDispatchInfo? callbackFailure = null;
        void Receive(StringBuilder buffer, string? line)
        {
            if (line == null)
                return;
            lock (buffer)
                buffer.AppendLine(line);
            if (outputLine == null)
                return;
            lock (streamGate)
            {
                if (callbackFailure != null)
                    return;
                // An exception on a reader thread would end the process; keep it and rethrow on the caller's thread.
                try { outputLine(Mask(line)); }
                catch (Exception e) { callbackFailure = ExceptionDispatchInfo.Capture(e); }
            }
        }
        process.OutputDataReceived += (_, e) => Receive(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Receive(stderr, e.Data);
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            throw Diag.Error(nameof(Strings.ToolMissing), tool.Command, tool.DebianPackage);
        }
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var limit = timeout ?? DefaultTimeout;
        using (cancellationToken.Register(() => TryKill(process)))
        {
            if (!process.WaitForExit(limit))
            {
                TryKill(process);
                process.WaitForExit();
                throw Diag.Error(nameof(Strings.ToolTimedOut), tool.Command, (int)limit.TotalSeconds);
            }
            process.WaitForExit(); // drain the asynchronous readers
        }
        cancellationToken.ThrowIfCancellationRequested();
        callbackFailure?.Throw();

        var result = new ToolResult(process.ExitCode, stdout.ToString(), stderr.ToString());
        if (result.ExitCode != 0 && !allowFailure)
        {
            string reason = Mask(LastLines(result.StandardError.Length > 0 ? result.StandardError : result.StandardOutput, 5));
            throw Diag.Error(nameof(Strings.ToolFailed), shown, result.ExitCode, reason);
        }
        return result;
    }

    private string Mask(string text)
    {
        foreach (string s in Secrets.Where(s => s.Length > 0))
            text = text.Replace(s, "***", StringComparison.Ordinal);
        return text;
    }

    private static string LastLines(string text, int count)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" | ", lines.Skip(Math.Max(0, lines.Length - count)));
    }

    private static string Quote(string a) =>
        a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./=:,+@%".Contains(c)) ? a : "'" + a.Replace("'", "'\\''") + "'";

    private static void TryKill(Process p)
    {
        try { if (!p.HasExited) p.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { }
    }
}
