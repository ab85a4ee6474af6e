// The version line a host tool prints, for cache manifests: a different e2fsprogs or mmdebstrap may write other bytes
// from the same inputs, so its version is part of what invalidates an entry.
namespace CcImage.Core.Tools;

public static class ToolVersions
{
    /// <summary>The first line <paramref name="tool"/> prints for <paramref name="arguments"/> (stdout, else stderr).</summary>
    public static string Of(ToolRunner runner, HostTool tool, IEnumerable<string> arguments)
    {
        var result = runner.Run(tool, arguments, allowFailure: true);
        string text = result.StandardOutput.Trim().Length > 0 ? result.StandardOutput : result.StandardError;
        return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? tool.Command;
    }
}
