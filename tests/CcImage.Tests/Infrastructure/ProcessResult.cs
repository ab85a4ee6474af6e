// Runs an external program for a test and captures its exit code and output.
using System.Diagnostics;

namespace CcImage.Tests;

internal sealed record ProcessResult(int ExitCode, string StandardOutput, string StandardError)
{
    public string Output => StandardOutput + StandardError;

    /// <summary>Runs <paramref name="fileName"/>; a tool that is not installed fails the test (eng/install-host-tools.sh installs them).</summary>
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, int timeoutSeconds = 900, byte[]? standardInput = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string a in arguments) psi.ArgumentList.Add(a);
        if (environment != null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (standardInput != null)
            p.StandardInput.BaseStream.Write(standardInput);
        p.StandardInput.Close();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in {timeoutSeconds}s");
        }
        return new ProcessResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public ProcessResult AssertSuccess(string what)
    {
        if (ExitCode != 0)
            Assert.Fail($"{what} exited with {ExitCode}:\n{StandardOutput}\n{StandardError}");
        return this;
    }
}
