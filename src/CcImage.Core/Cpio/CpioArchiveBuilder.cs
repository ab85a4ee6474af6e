// Builds a reproducible newc (070701) cpio archive for an initramfs from entries given in memory and/or read from a
// folder on disk. The bytes depend only on the entries: paths are sorted by their UTF-8 bytes (so parents come before
// children), inode numbers are assigned 1, 2, 3… in that order (hard links share one), every mtime is the one given
// (SOURCE_DATE_EPOCH, default 0), device fields of the archived file system are 0, missing parent folders are added
// (0755, root), and a hard-link group stores its data once, on its last entry.
// Spec: libarchive cpio(5) "New ASCII Format" (hard links: "the data is stored with the last link");
// Linux Documentation/driver-api/early-userspace/buffer-format.rst; reproducible-builds.org SOURCE_DATE_EPOCH.
using System.Text;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Cpio;

public sealed class CpioArchiveBuilder
{
    /// <summary>07777: permission, set-uid, set-gid and sticky bits.</summary>
    private const uint MaxPermissions = UnixFileStatus.PermissionMask;
    private const int CopyBufferBytes = 1 << 20;

    private readonly Dictionary<string, CpioEntry> _entries = new(StringComparer.Ordinal);

    /// <param name="mtime">Modification time of every entry, in seconds since 1970 (see <see cref="MtimeFromEnvironment"/>).</param>
    public CpioArchiveBuilder(uint mtime = 0) => Mtime = mtime;

    public uint Mtime { get; }

    public int Count => _entries.Count;

    /// <summary>Adds an entry; CCIMG2302 when its path is already in the archive.</summary>
    public void Add(CpioEntry entry)
    {
        var normalized = Validate(entry);
        if (!_entries.TryAdd(normalized.Path, normalized))
            throw Diag.Error(nameof(Strings.CpioDuplicatePath), normalized.Path);
    }

    /// <summary>Adds an entry, replacing any entry already at its path (e.g. to override a file read from disk).</summary>
    public void Set(CpioEntry entry)
    {
        var normalized = Validate(entry);
        _entries[normalized.Path] = normalized;
    }

    /// <summary>
    /// Adds everything under <paramref name="folder"/> (not the folder itself) below <paramref name="prefix"/>, keeping
    /// types, permissions, owners (or root with <paramref name="forceRootOwner"/>), symlink targets, hard links among
    /// the files read, and device numbers. Symbolic links are stored, never followed. Times are not kept.
    /// </summary>
    public void AddFolder(string folder, string prefix = "", bool forceRootOwner = false)
    {
        if (!System.IO.Directory.Exists(folder))
            throw Diag.Error(nameof(Strings.CpioSourceFolderMissing), folder);
        string start = NormalizePath(prefix, allowEmpty: true);
        var firstOfInode = new Dictionary<(uint, uint, ulong), string>();
        Walk(Path.GetFullPath(folder), start.Length == 0 ? "" : start + "/", forceRootOwner, firstOfInode);
    }

    private void Walk(string folder, string archivePrefix, bool forceRootOwner, Dictionary<(uint, uint, ulong), string> firstOfInode)
    {
        foreach (string full in System.IO.Directory.EnumerateFileSystemEntries(folder))
        {
            var status = UnixFileStatus.TryGet(full) ?? throw Diag.Error(nameof(Strings.CpioSourceFileMissing), full, archivePrefix);
            string path = archivePrefix + Path.GetFileName(full);
            uint uid = forceRootOwner ? 0 : status.Uid, gid = forceRootOwner ? 0 : status.Gid;
            switch (status.Type)
            {
                case UnixFileStatus.TypeDirectory:
                    Add(CpioEntry.Directory(path, status.Permissions, uid, gid));
                    Walk(full, path + "/", forceRootOwner, firstOfInode);
                    break;
                case UnixFileStatus.TypeRegular:
                    var key = (status.DevMajor, status.DevMinor, status.Inode);
                    if (status.LinkCount > 1 && firstOfInode.TryGetValue(key, out string? first))
                        Add(CpioEntry.HardLink(path, first));
                    else
                    {
                        if (status.LinkCount > 1) firstOfInode[key] = path;
                        Add(CpioEntry.FileFromDisk(path, full, status.Permissions, uid, gid));
                    }
                    break;
                case UnixFileStatus.TypeSymlink:
                    Add(CpioEntry.Symlink(path, new FileInfo(full).LinkTarget ?? "", uid, gid) with { Permissions = status.Permissions });
                    break;
                case UnixFileStatus.TypeCharDevice:
                case UnixFileStatus.TypeBlockDevice:
                    Add(CpioEntry.Device(path, (CpioEntryType)status.Type, status.RdevMajor, status.RdevMinor, status.Permissions, uid, gid));
                    break;
                case UnixFileStatus.TypeFifo:
                    Add(CpioEntry.Fifo(path, status.Permissions, uid, gid));
                    break;
                default:
                    throw Diag.Error(nameof(Strings.CpioUnsupportedFileType), full);
            }
        }
    }

    /// <summary>Writes the archive (entries, then the TRAILER!!! entry) to <paramref name="output"/>.</summary>
    public void WriteTo(Stream output, CancellationToken cancellationToken = default)
    {
        var entries = new Dictionary<string, CpioEntry>(_entries, StringComparer.Ordinal);
        AddMissingParents(entries);
        var groups = ResolveHardLinks(entries);
        var paths = entries.Keys.Select(p => (Path: p, Bytes: Encoding.UTF8.GetBytes(p))).ToList();
        paths.Sort((a, b) => a.Bytes.AsSpan().SequenceCompareTo(b.Bytes));

        var childDirectories = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var e in entries.Values)
            if (e.Type == CpioEntryType.Directory && Parent(e.Path) is { } parent)
                childDirectories[parent] = childDirectories.GetValueOrDefault(parent) + 1;

        var inodeOfGroup = new Dictionary<string, uint>(StringComparer.Ordinal);
        var lastOfGroup = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, _) in paths)
            if (groups.TryGetValue(path, out string? root))
                lastOfGroup[root] = path;
        var groupSize = groups.Values.GroupBy(r => r, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (uint)g.Count(), StringComparer.Ordinal);

        uint nextInode = 1;
        var buffer = new byte[CopyBufferBytes];
        foreach (var (path, nameBytes) in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var entry = entries[path];
            uint ino, nlink;
            CpioEntry source = entry;
            bool carriesData = true;
            if (groups.TryGetValue(path, out string? root))
            {
                if (!inodeOfGroup.TryGetValue(root, out ino))
                    inodeOfGroup[root] = ino = nextInode++;
                nlink = groupSize[root];
                source = entries[root];
                carriesData = lastOfGroup[root] == path;
            }
            else
            {
                ino = nextInode++;
                nlink = entry.Type == CpioEntryType.Directory ? 2 + childDirectories.GetValueOrDefault(path) : 1;
            }
            WriteEntry(output, nameBytes, source, ino, nlink, carriesData, buffer);
        }
        new CpioNewcHeader(0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, (uint)CpioNewcHeader.TrailerName.Length + 1, 0)
            .WriteWithName(output, Encoding.ASCII.GetBytes(CpioNewcHeader.TrailerName));
    }

    private void WriteEntry(Stream output, byte[] name, CpioEntry entry, uint ino, uint nlink, bool carriesData, byte[] buffer)
    {
        byte[]? inline = entry.Type switch
        {
            CpioEntryType.Symlink => Encoding.UTF8.GetBytes(entry.LinkTarget ?? ""),
            CpioEntryType.RegularFile when entry.SourceFile is null => entry.Content ?? [],
            _ => entry.Type == CpioEntryType.RegularFile ? null : [],
        };
        using var file = inline is null && carriesData ? OpenSource(entry) : null;
        long size = !carriesData ? 0 : inline?.Length ?? file!.Length;
        if (size > uint.MaxValue)
            throw Diag.Error(nameof(Strings.CpioFileTooLarge), entry.Path, size);

        new CpioNewcHeader(ino, (uint)entry.Type | entry.Permissions, entry.Uid, entry.Gid, nlink, Mtime, (uint)size,
            0, 0, entry.DeviceMajor, entry.DeviceMinor, (uint)name.Length + 1, 0).WriteWithName(output, name);
        if (size == 0)
            return;
        if (inline != null)
            output.Write(inline);
        else
        {
            long left = size;
            while (left > 0)
            {
                int n = file!.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (n == 0)
                    throw Diag.Error(nameof(Strings.CpioSourceChanged), entry.SourceFile, entry.Path);
                output.Write(buffer, 0, n);
                left -= n;
            }
        }
        CpioNewcHeader.WritePadding(output, size);
    }

    private static FileStream OpenSource(CpioEntry entry)
    {
        if (!System.IO.File.Exists(entry.SourceFile))
            throw Diag.Error(nameof(Strings.CpioSourceFileMissing), entry.SourceFile, entry.Path);
        return new FileStream(entry.SourceFile!, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
    }

    /// <summary>Adds a 0755 root-owned directory for every missing ancestor; CCIMG2303 when an ancestor is not a directory.</summary>
    private static void AddMissingParents(Dictionary<string, CpioEntry> entries)
    {
        foreach (string path in entries.Keys.ToList())
        {
            for (string? parent = Parent(path); parent != null; parent = Parent(parent))
            {
                if (entries.TryGetValue(parent, out var existing))
                {
                    if (existing.Type != CpioEntryType.Directory)
                        throw Diag.Error(nameof(Strings.CpioParentNotDirectory), path, parent);
                    break;
                }
                entries[parent] = CpioEntry.Directory(parent, CpioEntry.DirectoryPermissions);
            }
        }
    }

    /// <summary>Maps every member of a hard-link group (the file and its links) to the group's file.</summary>
    private static Dictionary<string, string> ResolveHardLinks(Dictionary<string, CpioEntry> entries)
    {
        var rootOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries.Values)
        {
            if (entry.HardLinkOf is null)
                continue;
            string root = entry.HardLinkOf;
            var seen = new HashSet<string>(StringComparer.Ordinal) { entry.Path };
            while (entries.TryGetValue(root, out var target) && target.HardLinkOf != null && seen.Add(root))
                root = target.HardLinkOf;
            if (!entries.TryGetValue(root, out var file) || file.Type != CpioEntryType.RegularFile || file.HardLinkOf != null)
                throw Diag.Error(nameof(Strings.CpioHardLinkTarget), entry.Path, entry.HardLinkOf);
            rootOf[entry.Path] = root;
            rootOf[root] = root;
        }
        return rootOf;
    }

    private static string? Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash > 0 ? path[..slash] : null;
    }

    private static CpioEntry Validate(CpioEntry entry)
    {
        string path = NormalizePath(entry.Path, allowEmpty: false);
        if (entry.Permissions > MaxPermissions)
            throw Diag.Error(nameof(Strings.CpioBadMode), Convert.ToString(entry.Permissions, 8), path);
        if (!Enum.IsDefined(entry.Type))
            throw Diag.Error(nameof(Strings.CpioEntryInvalid), path, "unknown type");
        if (entry.Type == CpioEntryType.RegularFile && entry.HardLinkOf is null && entry.Content != null && entry.SourceFile != null)
            throw Diag.Error(nameof(Strings.CpioEntryInvalid), path, "both Content and SourceFile are set");
        if (entry.Type == CpioEntryType.Symlink && string.IsNullOrEmpty(entry.LinkTarget))
            throw Diag.Error(nameof(Strings.CpioEntryInvalid), path, "a symbolic link needs a target");
        if (entry.HardLinkOf != null)
            return entry with { Path = path, HardLinkOf = NormalizePath(entry.HardLinkOf, allowEmpty: false) };
        return entry with { Path = path };
    }

    /// <summary>'/'-separated relative path without empty, "." or ".." parts; one leading '/' or "./" is dropped.</summary>
    private static string NormalizePath(string path, bool allowEmpty)
    {
        string p = path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path.StartsWith('/') ? path[1..] : path;
        p = p.TrimEnd('/');
        if (p.Length == 0)
            return allowEmpty ? p : throw Diag.Error(nameof(Strings.CpioBadPath), path);
        foreach (string part in p.Split('/'))
            if (part.Length == 0 || part == "." || part == ".." || part.Contains('\0'))
                throw Diag.Error(nameof(Strings.CpioBadPath), path);
        return p;
    }
}
