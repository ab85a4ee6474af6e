// Runs the built `ccimage` (ccimage.dll copied beside the tests) as its own process, as scripts do.
namespace CcImage.Tests;

internal static class CcImageCli
{
    private static string Dll => Path.Combine(AppContext.BaseDirectory, "ccimage.dll");

    public static ProcessResult Run(params string[] args) => ProcessResult.Run("dotnet", [Dll, .. args], timeoutSeconds: 300);

    public static ProcessResult RunIn(string workingDirectory, params string[] args) =>
        ProcessResult.Run("dotnet", [Dll, .. args], workingDirectory, timeoutSeconds: 300);
}
