// Reads files and inode facts out of an ext4 image with debugfs (e2fsprogs), without mounting it: a file's text, and
// a path's type, mode, owner and symlink target as `debugfs stat` reports them.
using System.Globalization;
using System.Text.RegularExpressions;
using CcImage.Core.Tools;

namespace CcImage.Core.Inspection;

public sealed partial class Ext4Inspector(ToolRunner runner, string image)
{
    public sealed record InodeFacts(string Type, int Mode, int Uid, int Gid, string? LinkTarget);

    /// <summary>The file's contents as text, or null when it does not exist.</summary>
    public string? ReadText(string path)
    {
        var result = runner.Run(HostTool.Debugfs, ["-R", $"cat \"{path}\"", image], allowFailure: true);
        return result.StandardError.Contains("not found", StringComparison.OrdinalIgnoreCase) ? null : result.StandardOutput;
    }

    /// <summary>The inode facts of <paramref name="path"/>, or null when it does not exist.</summary>
    public InodeFacts? Stat(string path)
    {
        var result = runner.Run(HostTool.Debugfs, ["-R", $"stat \"{path}\"", image], allowFailure: true);
        var head = StatHead().Match(result.StandardOutput);
        var owner = StatOwner().Match(result.StandardOutput);
        if (!head.Success || !owner.Success)
            return null;
        var link = StatLink().Match(result.StandardOutput);
        return new InodeFacts(head.Groups[1].Value, Convert.ToInt32(head.Groups[2].Value, 8),
            int.Parse(owner.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(owner.Groups[2].Value, CultureInfo.InvariantCulture),
            link.Success ? link.Groups[1].Value : null);
    }

    [GeneratedRegex(@"Type: (\w+)\s+Mode:\s+(\d+)")]
    private static partial Regex StatHead();

    [GeneratedRegex(@"User:\s+(\d+)\s+Group:\s+(\d+)")]
    private static partial Regex StatOwner();

    [GeneratedRegex(@"Fast link dest: ""([^""]*)""")]
    private static partial Regex StatLink();
}
