// One file to put in an initramfs archive: its path inside the archive, type, permissions, owner, and its content
// (bytes in memory, a file on disk, a symlink target, another entry it is a hard link of, or device numbers).
namespace CcImage.Core.Cpio;

public sealed record CpioEntry
{
    /// <summary>0755.</summary>
    public const uint DirectoryPermissions = 0x1ED;
    /// <summary>0644.</summary>
    public const uint FilePermissions = 0x1A4;
    /// <summary>0777, as Linux gives every symbolic link.</summary>
    public const uint SymlinkPermissions = 0x1FF;
    /// <summary>0600.</summary>
    public const uint DevicePermissions = 0x180;

    /// <summary>Path inside the archive: relative, '/'-separated (e.g. <c>usr/bin/sh</c>).</summary>
    public required string Path { get; init; }

    public required CpioEntryType Type { get; init; }

    /// <summary>Permission bits including set-uid, set-gid and sticky (at most 07777).</summary>
    public uint Permissions { get; init; }

    public uint Uid { get; init; }

    public uint Gid { get; init; }

    /// <summary>Content of a regular file held in memory.</summary>
    public byte[]? Content { get; init; }

    /// <summary>Content of a regular file read from this file on disk when the archive is written.</summary>
    public string? SourceFile { get; init; }

    /// <summary>Target of a symbolic link, stored as the entry's data.</summary>
    public string? LinkTarget { get; init; }

    /// <summary>For a regular file: the archive path of another regular file this one is a hard link of.</summary>
    public string? HardLinkOf { get; init; }

    public uint DeviceMajor { get; init; }

    public uint DeviceMinor { get; init; }

    public static CpioEntry Directory(string path, uint permissions = DirectoryPermissions, uint uid = 0, uint gid = 0) =>
        new() { Path = path, Type = CpioEntryType.Directory, Permissions = permissions, Uid = uid, Gid = gid };

    public static CpioEntry File(string path, byte[] content, uint permissions = FilePermissions, uint uid = 0, uint gid = 0) =>
        new() { Path = path, Type = CpioEntryType.RegularFile, Content = content, Permissions = permissions, Uid = uid, Gid = gid };

    public static CpioEntry FileFromDisk(string path, string sourceFile, uint permissions = FilePermissions, uint uid = 0, uint gid = 0) =>
        new() { Path = path, Type = CpioEntryType.RegularFile, SourceFile = sourceFile, Permissions = permissions, Uid = uid, Gid = gid };

    public static CpioEntry HardLink(string path, string existingPath) =>
        new() { Path = path, Type = CpioEntryType.RegularFile, HardLinkOf = existingPath };

    public static CpioEntry Symlink(string path, string target, uint uid = 0, uint gid = 0) =>
        new() { Path = path, Type = CpioEntryType.Symlink, LinkTarget = target, Permissions = SymlinkPermissions, Uid = uid, Gid = gid };

    public static CpioEntry Device(string path, CpioEntryType type, uint major, uint minor, uint permissions = DevicePermissions,
        uint uid = 0, uint gid = 0) =>
        new() { Path = path, Type = type, DeviceMajor = major, DeviceMinor = minor, Permissions = permissions, Uid = uid, Gid = gid };

    public static CpioEntry Fifo(string path, uint permissions = FilePermissions, uint uid = 0, uint gid = 0) =>
        new() { Path = path, Type = CpioEntryType.Fifo, Permissions = permissions, Uid = uid, Gid = gid };
}
