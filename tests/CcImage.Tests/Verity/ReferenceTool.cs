// Runs a reference tool (veritysetup, cpio, bsdtar) or the ccimage CLI for the cross-check tests and captures its output.
using System.Diagnostics;

namespace CcImage.Tests.Verity;

internal static class ReferenceTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="exe"/>; the tool must be installed (eng/install-host-tools.sh), a missing one fails the test.</summary>
    public static ToolOutput Run(string exe, IEnumerable<string> args, string? workingDirectory = null, byte[]? standardInput = null)
    {
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
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("cannot start " + exe);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (standardInput != null)
            process.StandardInput.BaseStream.Write(standardInput);
        process.StandardInput.Close();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{exe} did not finish within {Timeout}");
        }
        return new ToolOutput(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs the ccimage CLI built beside the tests.</summary>
    public static ToolOutput Ccimage(params string[] args) =>
        Run("dotnet", new[] { Path.Combine(AppContext.BaseDirectory, "ccimage.dll") }.Concat(args));

    /// <summary>The value after "Root hash:" in veritysetup-style output.</summary>
    public static string RootHashLine(string output) =>
        output.Split('\n').Single(l => l.StartsWith("Root hash:", StringComparison.Ordinal)).Split('\t', ' ')
            .Last(s => s.Length > 0).Trim();
}
