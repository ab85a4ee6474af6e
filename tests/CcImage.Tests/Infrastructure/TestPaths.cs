// Locations the tests share: the repository root and a per-run scratch folder.
namespace CcImage.Tests;

internal static class TestPaths
{
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>A fresh scratch folder under the system temp directory, removed by the caller or at reboot.</summary>
    public static string NewTempDir(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), "ccimage-tests", prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string FindRepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "CcImage.Sdk.sln")))
                return d.FullName;
        throw new InvalidOperationException("Cannot find the repository root (CcImage.Sdk.sln) above " + AppContext.BaseDirectory);
    }
}
