// The Unix facts about a file that .NET does not expose (type, owner, link count, inode, device numbers), read with
// the Linux statx(2) call, whose struct layout is the same on every architecture. Symbolic links are not followed.
// Spec: Linux man-pages statx(2), include/uapi/linux/stat.h (struct statx).
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace CcImage.Core.Cpio;

public sealed partial record UnixFileStatus
{
    // File type bits of st_mode (S_IFMT and its values).
    public const uint TypeMask = 0xF000;
    public const uint TypeSocket = 0xC000;
    public const uint TypeSymlink = 0xA000;
    public const uint TypeRegular = 0x8000;
    public const uint TypeBlockDevice = 0x6000;
    public const uint TypeDirectory = 0x4000;
    public const uint TypeCharDevice = 0x2000;
    public const uint TypeFifo = 0x1000;
    public const uint PermissionMask = 0xFFF;

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasicStats = 0x7FF;
    private const int StatxSize = 256;
    // Offsets in struct statx.
    private const int BlockSizeOffset = 4;
    private const int NlinkOffset = 16;
    private const int UidOffset = 20;
    private const int GidOffset = 24;
    private const int ModeOffset = 28;
    private const int InodeOffset = 32;
    private const int SizeOffset = 40;
    private const int MtimeOffset = 112;
    private const int RdevMajorOffset = 128;
    private const int RdevMinorOffset = 132;
    private const int DevMajorOffset = 136;
    private const int DevMinorOffset = 140;

    public uint Mode { get; init; }
    public uint Type => Mode & TypeMask;
    public uint Permissions => Mode & PermissionMask;
    public uint LinkCount { get; init; }
    /// <summary>stx_blksize: the preferred I/O size (what C stdio uses as its buffer size).</summary>
    public uint BlockSize { get; init; }
    public uint Uid { get; init; }
    public uint Gid { get; init; }
    public ulong Inode { get; init; }
    public long Size { get; init; }
    public long MtimeSeconds { get; init; }
    public uint RdevMajor { get; init; }
    public uint RdevMinor { get; init; }
    public uint DevMajor { get; init; }
    public uint DevMinor { get; init; }

    /// <summary>The status of <paramref name="path"/> (not following a final symbolic link), or null when it does not exist.</summary>
    public static UnixFileStatus? TryGet(string path)
    {
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxBasicStats, ref MemoryMarshal.GetReference(buffer)) != 0)
            return null;
        return new UnixFileStatus
        {
            LinkCount = BinaryPrimitives.ReadUInt32LittleEndian(buffer[NlinkOffset..]),
            BlockSize = BinaryPrimitives.ReadUInt32LittleEndian(buffer[BlockSizeOffset..]),
            Uid = BinaryPrimitives.ReadUInt32LittleEndian(buffer[UidOffset..]),
            Gid = BinaryPrimitives.ReadUInt32LittleEndian(buffer[GidOffset..]),
            Mode = BinaryPrimitives.ReadUInt16LittleEndian(buffer[ModeOffset..]),
            Inode = BinaryPrimitives.ReadUInt64LittleEndian(buffer[InodeOffset..]),
            Size = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer[SizeOffset..]),
            MtimeSeconds = BinaryPrimitives.ReadInt64LittleEndian(buffer[MtimeOffset..]),
            RdevMajor = BinaryPrimitives.ReadUInt32LittleEndian(buffer[RdevMajorOffset..]),
            RdevMinor = BinaryPrimitives.ReadUInt32LittleEndian(buffer[RdevMinorOffset..]),
            DevMajor = BinaryPrimitives.ReadUInt32LittleEndian(buffer[DevMajorOffset..]),
            DevMinor = BinaryPrimitives.ReadUInt32LittleEndian(buffer[DevMinorOffset..]),
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Statx(int dirfd, string path, int flags, uint mask, ref byte statxBuffer);
}
