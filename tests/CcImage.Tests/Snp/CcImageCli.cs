// Runs the built `ccimage` (copied beside the tests) as its own process, as scripts do, and captures its output.
using System.Diagnostics;

namespace CcImage.Tests.Snp;

internal static class CcImageCli
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError);

    public static Result Run(string workingDirectory, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ccimage.dll"));
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("ccimage did not finish within 2 minutes: " + string.Join(' ', args));
        }
        return new Result(process.ExitCode, stdout, stderr.Result);
    }
}
