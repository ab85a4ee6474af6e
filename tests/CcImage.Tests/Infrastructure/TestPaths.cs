// Locations the tests share: the repository root and a per-run scratch folder.
namespace CcImage.Tests;

internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>This test run's scratch folder (ccimage-tests/run-…under the system temp directory): every
    /// <see cref="NewTempDir"/> is inside it, and the assembly cleanup removes it whole, so a run leaves nothing behind
    /// even where a test stopped before its own cleanup.</summary>
    public static string RunDir { get; } = Path.Combine(Path.GetTempPath(), "ccimage-tests",
        "run-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>A fresh scratch folder inside <see cref="RunDir"/>, removed by the caller or at the end of the run.</summary>
    public static string NewTempDir(string prefix)
    {
        string dir = Path.Combine(RunDir, prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Removes <see cref="RunDir"/>; what cannot be removed (a file a stray process still holds) stays.</summary>
    public static void DeleteRunDir()
    {
        try
        {
            if (Directory.Exists(RunDir))
                Directory.Delete(RunDir, recursive: true);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "CcImage.Sdk.sln")))
                return d.FullName;
        throw new InvalidOperationException("Cannot find the repository root (CcImage.Sdk.sln) above " + AppContext.BaseDirectory);
    }
}
