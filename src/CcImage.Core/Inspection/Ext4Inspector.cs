// Reads files and inode facts out of an ext4 image with debugfs (e2fsprogs), without mounting it: a file's text, and
// a path's type, mode, owner and symlink target as `debugfs stat` reports them, a folder's names, an inode's path.
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

    /// <summary>The names in the folder <paramref name="path"/> (without . and ..), or an empty list when it does not exist.</summary>
    public IReadOnlyList<string> List(string path)
    {
        // `ls -p` prints one /inode/mode/uid/gid/name/size/ line per entry.
        var result = runner.Run(HostTool.Debugfs, ["-R", $"ls -p \"{path}\"", image], allowFailure: true);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('/')).Where(f => f.Length >= 7).Select(f => f[5])
            .Where(n => n is not ("." or "..") && n.Length > 0).ToList();
    }

    /// <summary>The path of inode <paramref name="inode"/> (debugfs ncheck), or null.</summary>
    public string? PathOf(uint inode)
    {
        var result = runner.Run(HostTool.Debugfs, ["-R", $"ncheck {inode}", image], allowFailure: true);
        return result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.Split('\t', 2)).Where(f => f.Length == 2).Select(f => f[1].Trim()).FirstOrDefault();
    }

    /// <summary>The image file this inspector reads.</summary>
    public string Image => image;

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
