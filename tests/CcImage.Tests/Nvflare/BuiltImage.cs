// Reads a built image the way a third party would, for the NVFlare sample tests: the GPT through DiskImageReader, a
// partition copied out to a sparse file, and files and inodes of an ext4 partition with the reference tool debugfs
// (e2fsprogs) called directly — not through the product's Ext4Inspector, so these checks stand beside the build's own
// image tests rather than repeating them.
using System.Text.RegularExpressions;
using CcImage.Core.Gpt;
using CcImage.Core.Inspection;

namespace CcImage.Tests.Nvflare;

internal sealed partial class BuiltImage : IDisposable
{
    private readonly string _work;
    private readonly Dictionary<string, string> _extracted = [];

    public BuiltImage(string qcow2)
    {
        Path = qcow2;
        using var reader = new DiskImageReader(qcow2);
        Gpt = reader.Gpt;
        _work = TestPaths.NewTempDir("nvflare-image");
    }

    public string Path { get; }

    public GptTable Gpt { get; }

    public IReadOnlyList<string> PartitionNames => [.. Gpt.Partitions.OrderBy(p => p.StartingLBA).Select(p => p.PartitionName)];

    public GptPartitionEntry Partition(string name) =>
        Gpt.Partitions.FirstOrDefault(p => p.PartitionName == name) ?? throw new AssertFailedException($"{Path} has no partition '{name}'");

    /// <summary>The partition copied out to a sparse file (once).</summary>
    public string Extract(string name)
    {
        lock (_extracted)
        {
            if (!_extracted.TryGetValue(name, out string? file))
            {
                file = System.IO.Path.Combine(_work, name + ".img");
                using var reader = new DiskImageReader(Path);
                reader.Extract(Partition(name), file);
                _extracted[name] = file;
            }
            return file;
        }
    }

    /// <summary>True when the partition holds any non-zero byte.</summary>
    public bool HasData(string name)
    {
        using var reader = new DiskImageReader(Path);
        return reader.HasData(Partition(name));
    }

    /// <summary>`debugfs -R "cat PATH"` on the partition: the file's text, or null when it does not exist.</summary>
    public string? Cat(string partition, string path)
    {
        var r = Debugfs(partition, $"cat \"{path}\"");
        return r.StandardError.Contains("not found", StringComparison.OrdinalIgnoreCase) ? null : r.StandardOutput;
    }

    /// <summary>`debugfs -R "stat PATH"`: type, permission bits, owner and symlink target, or null when it does not exist.</summary>
    public (string Type, int Mode, int Uid, int Gid, string? Link)? Stat(string partition, string path)
    {
        var r = Debugfs(partition, $"stat \"{path}\"");
        var head = StatHead().Match(r.StandardOutput);
        var owner = StatOwner().Match(r.StandardOutput);
        if (!head.Success || !owner.Success)
            return null;
        var link = StatLink().Match(r.StandardOutput);
        return (head.Groups[1].Value, Convert.ToInt32(head.Groups[2].Value, 8), int.Parse(owner.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(owner.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), link.Success ? link.Groups[1].Value : null);
    }

    /// <summary>The names in a folder (`debugfs -R "ls -p"`), without . and ..; empty when it does not exist.</summary>
    public IReadOnlyList<string> List(string partition, string path) =>
        [.. Debugfs(partition, $"ls -p \"{path}\"").StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('/')).Where(f => f.Length >= 7 && f[5] is not ("" or "." or "..")).Select(f => f[5])];

    /// <summary>`e2fsck -fn` of the partition: exit code and output.</summary>
    public ProcessResult Fsck(string partition) => ProcessResult.Run("e2fsck", ["-fn", Extract(partition)], timeoutSeconds: 600);

    private ProcessResult Debugfs(string partition, string request) =>
        ProcessResult.Run("debugfs", ["-R", request, Extract(partition)], timeoutSeconds: 120);

    public void Dispose()
    {
        lock (_extracted)
        {
            foreach (string file in _extracted.Values)
                File.Delete(file);
            _extracted.Clear();
        }
        if (Directory.Exists(_work))
            Directory.Delete(_work, recursive: true);
    }

    [GeneratedRegex(@"Type: (\w+)\s+Mode:\s+(\d+)")]
    private static partial Regex StatHead();

    [GeneratedRegex(@"User:\s+(\d+)\s+Group:\s+(\d+)")]
    private static partial Regex StatOwner();

    [GeneratedRegex(@"Fast link dest: ""([^""]*)""")]
    private static partial Regex StatLink();
}
