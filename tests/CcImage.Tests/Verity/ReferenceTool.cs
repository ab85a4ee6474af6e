// The verity and cpio cross-checks' way to run a reference tool (veritysetup, cpio, bsdtar) or the ccimage CLI.

namespace CcImage.Tests.Verity;

internal static class ReferenceTool
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);

    /// <summary>Runs <paramref name="exe"/>; the tool must be installed (eng/install-host-tools.sh), a missing one fails the test.</summary>
    public static ProcessResult Run(string exe, IEnumerable<string> args, string? workingDirectory = null, byte[]? standardInput = null) =>
        ProcessResult.Run(exe, args, workingDirectory, timeoutSeconds: 120, standardInput: standardInput);

    /// <summary>Runs the ccimage CLI built beside the tests.</summary>
    public static ProcessResult Ccimage(params string[] args) => CcImageCli.Run(args);

    /// <summary>The value after "Root hash:" in veritysetup-style output.</summary>
    public static string RootHashLine(string output) =>
        output.Split('\n').Single(l => l.StartsWith("Root hash:", StringComparison.Ordinal)).Split('\t', ' ')
            .Last(s => s.Length > 0).Trim();
}
