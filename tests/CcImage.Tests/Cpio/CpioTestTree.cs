// A folder with every kind of file an initramfs holds, made on disk for the cpio tests, and a comparison of two trees
// (types, permissions, owners, symlink targets, contents, hard-link groups, device numbers).
using System.Text;
using CcImage.Core.Cpio;
using CcImage.Tests.Verity;

namespace CcImage.Tests.Cpio;

internal static class CpioTestTree
{
    /// <summary>Creates the tree under <paramref name="root"/>; <paramref name="mtime"/> is stamped on every file.</summary>
    public static void Create(string root, DateTime mtime)
    {
        Dir(root, "bin", "755");
        Dir(root, "etc", "755");
        Dir(root, "tmp", "1777");
        Dir(root, "root", "700");
        Dir(root, "usr/lib/deep/er", "755");
        Dir(root, "dev", "755");
        File(root, "bin/init", "#!/bin/sh\necho hi\n", "755");
        File(root, "bin/su", "x", "4755");
        File(root, "etc/empty", "", "644");
        File(root, "etc/one", "1", "600");
        File(root, "etc/two", "22", "640");
        File(root, "etc/three", "333", "644");
        File(root, "etc/five", "55555", "644");
        File(root, "usr/lib/deep/er/data.bin", new string('z', 70000), "444");
        File(root, "etc/ünïcødé name", "utf-8 name", "644");
        File(root, "usr/lib/a-hard", "shared by three names", "755");
        Run("ln", Path.Combine(root, "usr/lib/a-hard"), Path.Combine(root, "usr/lib/b-hard"));
        Run("ln", Path.Combine(root, "usr/lib/a-hard"), Path.Combine(root, "bin/c-hard"));
        System.IO.File.CreateSymbolicLink(Path.Combine(root, "bin/sh"), "init");
        System.IO.File.CreateSymbolicLink(Path.Combine(root, "etc/abs"), "/usr/lib/deep");
        System.IO.File.CreateSymbolicLink(Path.Combine(root, "etc/dangling"), "../nowhere/at all");
        Run("mknod", "-m", "666", Path.Combine(root, "dev/null"), "c", "1", "3");
        Run("mknod", "-m", "600", Path.Combine(root, "dev/loop7"), "b", "7", "7");
        Run("mknod", "-m", "620", Path.Combine(root, "dev/big"), "c", "300", "70000");
        Run("mkfifo", "-m", "640", Path.Combine(root, "tmp/fifo"));
        Run("chown", "1000:1001", Path.Combine(root, "etc/two"));
        Run("chown", "-h", "42:43", Path.Combine(root, "bin/sh"));
        Run("chown", "7:8", Path.Combine(root, "root"));
        foreach (string path in Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories))
            Run("touch", "-h", "-d", "@" + new DateTimeOffset(mtime).ToUnixTimeSeconds(), path);
    }

    private static void Dir(string root, string path, string mode)
    {
        string full = Path.Combine(root, path);
        Directory.CreateDirectory(full);
        Run("chmod", mode, full);
    }

    private static void File(string root, string path, string content, string mode)
    {
        string full = Path.Combine(root, path);
        System.IO.File.WriteAllText(full, content, new UTF8Encoding(false));
        Run("chmod", mode, full);
    }

    public static void Run(string tool, params string[] args)
    {
        var result = ReferenceTool.Run(tool, args);
        Assert.AreEqual(0, result.ExitCode, $"{tool} {string.Join(' ', args)}: {result.StandardError}");
    }

    /// <summary>Every path under <paramref name="root"/> with a description of what a cpio round trip must keep.</summary>
    public static SortedDictionary<string, string> Describe(string root)
    {
        var statuses = new List<(string Rel, string Full, UnixFileStatus St)>();
        foreach (string full in Directory.EnumerateFileSystemEntries(root, "*", new EnumerationOptions
                 { RecurseSubdirectories = true, AttributesToSkip = 0 }))
            statuses.Add((Path.GetRelativePath(root, full), full, UnixFileStatus.TryGet(full)!));
        var groups = statuses.Where(s => s.St.Type == UnixFileStatus.TypeRegular && s.St.LinkCount > 1)
            .GroupBy(s => s.St.Inode)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(s => s.Rel).Order(StringComparer.Ordinal)));

        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (rel, full, st) in statuses)
        {
            string what = $"type={st.Type:X} perm={Convert.ToString(st.Permissions, 8)} owner={st.Uid}:{st.Gid}";
            switch (st.Type)
            {
                case UnixFileStatus.TypeRegular:
                    what += $" sha={Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.IO.File.ReadAllBytes(full)))[..16]}";
                    if (groups.TryGetValue(st.Inode, out string? group))
                        what += $" links={group}";
                    break;
                case UnixFileStatus.TypeSymlink:
                    what += $" -> {new FileInfo(full).LinkTarget}";
                    break;
                case UnixFileStatus.TypeCharDevice or UnixFileStatus.TypeBlockDevice:
                    what += $" rdev={st.RdevMajor}:{st.RdevMinor}";
                    break;
            }
            result[rel] = what;
        }
        return result;
    }
}
