// A small folder tree for the ext4 tests (files, nested folders, an empty file, a long and a short symlink, odd
// names) and helpers that look inside an ext4 image with debugfs and e2fsck.
using CcImage.Core.Tools;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.Disk;

internal static class Ext4TestTree
{
    /// <summary>Creates the tree under <paramref name="root"/>.</summary>
    public static void Create(string root)
    {
        Directory.CreateDirectory(Path.Combine(root, "etc", "nvflare"));
        Directory.CreateDirectory(Path.Combine(root, "empty-dir"));
        File.WriteAllText(Path.Combine(root, "hello.txt"), "hello ext4\n");
        File.WriteAllText(Path.Combine(root, "etc", "nvflare", "config.json"), "{\"a\": 1}\n");
        File.WriteAllBytes(Path.Combine(root, "etc", "blob.bin"), Enumerable.Range(0, 70000).Select(i => (byte)(i * 7)).ToArray());
        File.WriteAllBytes(Path.Combine(root, "empty"), []);
        File.WriteAllText(Path.Combine(root, "name with spaces & ünïcode"), "x");
        for (int i = 0; i < 40; i++)
            File.WriteAllText(Path.Combine(root, "etc", $"file-{i:D3}"), new string('z', i * 37));
        File.CreateSymbolicLink(Path.Combine(root, "link"), "hello.txt");
        File.CreateSymbolicLink(Path.Combine(root, "long-link"), "/" + string.Join('/', Enumerable.Repeat("deep-directory-name", 6)));
    }

    /// <summary>Copies a tree (files get new ctimes; mtimes are copied like `cp -a` when <paramref name="keepMtime"/>).</summary>
    public static void Copy(string from, string to, bool keepMtime)
    {
        Directory.CreateDirectory(to);
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            string target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget != null)
                File.CreateSymbolicLink(target, entry.LinkTarget);
            else if (entry is DirectoryInfo d)
                Copy(d.FullName, target, keepMtime);
            else
            {
                File.Copy(entry.FullName, target);
                if (keepMtime)
                    File.SetLastWriteTimeUtc(target, entry.LastWriteTimeUtc);
            }
        }
        if (keepMtime)
            Directory.SetLastWriteTimeUtc(to, Directory.GetLastWriteTimeUtc(from));
    }

    public static string Debugfs(string image, string request) =>
        GptTestDisk.Runner.Run(HostTool.Debugfs, ["-R", request, image]).StandardOutput;

    /// <summary>Runs `e2fsck -fn` and asserts it found nothing to fix.</summary>
    public static void AssertFsckClean(string image)
    {
        var result = GptTestDisk.Runner.Run(GptTestDisk.E2fsck, ["-fn", image], allowFailure: true);
        Assert.AreEqual(0, result.ExitCode, result.StandardOutput + result.StandardError);
    }
}
