// The debugfs(8) script that copies a folder tree into a freshly made ext4 image in a fixed order: every directory's
// entries sorted by the bytes of their UTF-8 names, depth first. mke2fs -d (e2fsprogs 1.47.0, misc/create_inode.c)
// copies in readdir(3) order instead, which depends on the file system the folder lives on (ext4 hash order with that
// file system's own hash seed, tmpfs creation order), so the same tree extracted on two machines gave two images.
// Inode and block allocation follow the order of the commands, so a fixed order gives the same image everywhere.
// Each entry is made with the debugfs command that runs the same library code as mke2fs -d (write, mkdir, symlink,
// mknod, ln), then set_inode_field fixes what that command does not copy: mode (directories, devices), owner (when
// preserved), mtime (older than SOURCE_DATE_EPOCH; everything else carries E2FSPROGS_FAKE_TIME), the link count of
// hard links, and extended attributes (ea_set; libext2fs converts POSIX ACLs to the ext4 on-disk form as mke2fs -d does).
using System.Globalization;
using System.Text;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Disk;

internal sealed class Ext4PopulateScript
{
    /// <summary>The mode libext2fs gives a new directory (0777 less the default umask 022).</summary>
    private const uint DefaultDirectoryPermissions = 0x1ED; // 0755
    private const string LostAndFound = "lost+found";
    private static readonly string[] TimeFields = ["atime", "ctime", "crtime", "mtime"];

    private readonly StringBuilder _script = new();
    private readonly long _epoch;
    private readonly bool _stampAllTimes;
    private readonly bool _preserveOwnership;
    private readonly string _attributeFolder;
    private readonly Dictionary<(uint, uint, ulong), HardLink> _hardLinks = [];
    private int _attributeCount;

    private sealed class HardLink(string firstPath)
    {
        public string FirstPath { get; } = firstPath;
        public int Names { get; set; } = 1;
    }

    private Ext4PopulateScript(long epoch, long fakeTime, bool preserveOwnership, string attributeFolder)
    {
        _epoch = epoch;
        _stampAllTimes = fakeTime != epoch;
        _preserveOwnership = preserveOwnership;
        _attributeFolder = attributeFolder;
    }

    /// <summary>
    /// The script for <paramref name="sourceFolder"/>. Attribute values too binary for a command line are written as
    /// files into <paramref name="attributeFolder"/>, which must exist until debugfs has run.
    /// </summary>
    /// <param name="fakeTime">The E2FSPROGS_FAKE_TIME debugfs runs with (every new inode's times); when it differs from
    /// <paramref name="epoch"/> (epoch 0: e2fsprogs reads a fake time of 0 as unset) every time is set explicitly.</param>
    public static string Create(string sourceFolder, long epoch, long fakeTime, bool preserveOwnership, string attributeFolder)
    {
        var script = new Ext4PopulateScript(epoch, fakeTime, preserveOwnership, attributeFolder);
        script.Line("cd /");
        if (script._stampAllTimes)
        {
            script.StampTimes(Quote("/"), null);
            script.StampTimes(Quote("/" + LostAndFound), null);
        }
        script.Directory(Path.GetFullPath(sourceFolder), "/");
        foreach (var link in script._hardLinks.Values.Where(l => l.Names > 1).OrderBy(l => l.FirstPath, Utf8Order.Instance))
            script.Line($"sif {Quote(link.FirstPath)} links_count {link.Names}");
        return script._script.ToString();
    }

    /// <summary>The script for an empty file system: only the times of the root and lost+found, when the fake time is not the epoch.</summary>
    public static string CreateEmpty(long epoch, long fakeTime)
    {
        var script = new Ext4PopulateScript(epoch, fakeTime, preserveOwnership: false, attributeFolder: "");
        if (script._stampAllTimes)
        {
            script.StampTimes(Quote("/"), null);
            script.StampTimes(Quote("/" + LostAndFound), null);
        }
        return script._script.ToString();
    }

    private void Directory(string hostPath, string imagePath)
    {
        var names = System.IO.Directory.EnumerateFileSystemEntries(hostPath).Select(Path.GetFileName).OfType<string>()
            .Order(Utf8Order.Instance).ToList();
        foreach (string name in names)
        {
            string source = Path.Combine(hostPath, name);
            string target = imagePath == "/" ? "/" + name : imagePath + "/" + name;
            var status = UnixFileStatus.TryGet(source) ?? throw new FileNotFoundException("The file vanished while it was copied.", source);
            CheckName(name, source);
            string here = Quote("./" + name);
            if (status.Type != UnixFileStatus.TypeDirectory && status.LinkCount > 1)
            {
                var key = (status.DevMajor, status.DevMinor, status.Inode);
                if (_hardLinks.TryGetValue(key, out var link))
                {
                    Line($"ln {Quote(link.FirstPath)} {Quote(name)}");
                    link.Names++;
                    continue;
                }
                _hardLinks[key] = new HardLink(target);
            }
            switch (status.Type)
            {
                case UnixFileStatus.TypeDirectory:
                    if (!(imagePath == "/" && name == LostAndFound))
                        Line($"mkdir {Quote(name)}");
                    Line($"cd {here}");
                    Directory(source, target);
                    Line("cd ..");
                    if (status.Permissions != DefaultDirectoryPermissions || (imagePath == "/" && name == LostAndFound))
                        Line(SetMode(here, status));
                    break;
                case UnixFileStatus.TypeRegular:
                    Line($"write {Quote(source)} {Quote(name)}");
                    break;
                case UnixFileStatus.TypeSymlink:
                    string linkTarget = new FileInfo(source).LinkTarget ?? throw new IOException($"Cannot read the symbolic link '{source}'.");
                    CheckName(linkTarget, source);
                    Line($"symlink {Quote(name)} {Quote(linkTarget)}");
                    break;
                case UnixFileStatus.TypeCharDevice:
                case UnixFileStatus.TypeBlockDevice:
                    char kind = status.Type == UnixFileStatus.TypeCharDevice ? 'c' : 'b';
                    Line($"mknod {Quote(name)} {kind} {status.RdevMajor} {status.RdevMinor}");
                    Line(SetMode(here, status));
                    break;
                case UnixFileStatus.TypeFifo:
                    Line($"mknod {Quote(name)} p");
                    Line(SetMode(here, status));
                    break;
                default:
                    throw Diag.Error(nameof(Strings.Ext4PopulateFileTypeUnsupported), source);
            }
            if (_preserveOwnership && status.Uid != 0)
                Line($"sif {here} uid {status.Uid}");
            if (_preserveOwnership && status.Gid != 0)
                Line($"sif {here} gid {status.Gid}");
            StampTimes(here, status.MtimeSeconds);
            foreach (var (attribute, value) in UnixExtendedAttributes.Read(source))
            {
                string valueFile = Path.Combine(_attributeFolder, (_attributeCount++).ToString(CultureInfo.InvariantCulture));
                File.WriteAllBytes(valueFile, value);
                CheckName(attribute, source);
                Line($"ea_set -f {Quote(valueFile)} {here} {Quote(attribute)}");
            }
        }
    }

    // New inodes carry the fake time; only an mtime older than the epoch (kept, as mke2fs -d keeps it) needs setting,
    // unless the fake time is not the epoch, when every time is set.
    private void StampTimes(string target, long? sourceMtime)
    {
        long mtime = Math.Max(0, Math.Min(sourceMtime ?? _epoch, _epoch));
        if (_stampAllTimes)
        {
            foreach (string field in TimeFields)
                Line(string.Create(CultureInfo.InvariantCulture, $"sif {target} {field} @{(field == "mtime" ? mtime : _epoch)}"));
        }
        else if (mtime < _epoch)
            Line(string.Create(CultureInfo.InvariantCulture, $"sif {target} mtime @{mtime}"));
    }

    private static string SetMode(string quotedPath, UnixFileStatus status) =>
        "sif " + quotedPath + " mode 0" + Convert.ToString(status.Mode, 8);

    private void Line(string command) => _script.Append(command).Append('\n');

    // debugfs reads one command per line and splits words at blanks outside double quotes; a doubled quote inside
    // quotes is a literal quote (e2fsprogs lib/ss/parse.c). A newline cannot be expressed.
    private static string Quote(string word) => "\"" + word.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void CheckName(string text, string source)
    {
        if (text.Contains('\n') || text.Contains('\r') || text.Contains('\0'))
            throw Diag.Error(nameof(Strings.Ext4PopulateNameUnsupported), source);
    }
}
