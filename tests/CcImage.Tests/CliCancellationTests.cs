// Ctrl+C and SIGTERM cancel System.CommandLine's token, which reaches the running step: `ccimage` stops, exits 130
// with one line, and leaves neither the output nor a temp file behind.
using System.Diagnostics;
using System.Globalization;

namespace CcImage.Tests;

[TestClass]
public class CliCancellationTests
{
    /// <summary>Long enough that the format is still running when the signal arrives (a sparse file: nothing to write
    /// first, but every block is hashed).</summary>
    private const long DataBytes = 16L << 30;

    [TestMethod]
    public void VerityFormat_Sigterm_Exits130AndLeavesNoFiles()
    {
        string dir = TestPaths.NewTempDir("cancel");
        string data = Path.Combine(dir, "data.img");
        using (var file = File.Create(data))
            file.SetLength(DataBytes);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "ccimage.dll"), "verity", "format", data, Path.Combine(dir, "hash.img"), "--salt", "-" })
            psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();

        // Let the work begin: its temp file beside the output appears at once; hashing 16 GiB takes far longer.
        Thread.Sleep(1500);
        Assert.IsFalse(process.HasExited, "ccimage finished before it could be cancelled");
        Assert.HasCount(2, AllFiles(dir), "no temp file while the format runs: " + string.Join(", ", AllFiles(dir)));
        RefTools.Run("kill", "-TERM", process.Id.ToString(CultureInfo.InvariantCulture)).AssertSuccess("kill -TERM");
        Assert.IsTrue(process.WaitForExit(60_000), "ccimage did not stop after SIGTERM");

        Assert.AreEqual(130, process.ExitCode, stderr.Result);
        Assert.AreEqual("", stdout.Result);
        Assert.AreEqual("ccimage: cancelled; nothing was written\n", stderr.Result);
        CollectionAssert.AreEqual(new[] { data }, AllFiles(dir), "the output or a temp file was left behind");
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>Every file in <paramref name="dir"/>, hidden ones too (temp files start with a dot), as `ls -A` lists them.</summary>
    private static string[] AllFiles(string dir) =>
        [.. RefTools.Run("ls", "-A", dir).AssertSuccess("ls -A").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(name => Path.Combine(dir, name))];
}
