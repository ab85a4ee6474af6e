// Lists the in-use inodes of an ext4 image, their i_mtime and i_mode, by reading the superblock, the group descriptors and the
// inode bitmaps (kernel.org "ext4 Data Structures and Algorithms": §3.1 Super Block, §3.4 Block Group Descriptors,
// §3.5/3.6 Block and inode Bitmaps, §4.1 Index Nodes). Read-only; the hardened image's checks use it to find
// set-user-ID programs.
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Disk;

public static class Ext4InodeScan
{
    private const int SuperBlockOffset = 1024;
    private const int SuperBlockSize = 1024;
    private const ushort Ext4SuperMagic = 0xEF53;
    private const int s_inodes_count = 0x0;
    private const int s_first_data_block = 0x14;
    private const int s_log_block_size = 0x18;
    private const int s_inodes_per_group = 0x28;
    private const int s_magic = 0x38;
    private const int s_first_ino = 0x54;
    private const int s_inode_size = 0x58;
    private const int s_feature_incompat = 0x60;
    private const int s_desc_size = 0xFE;
    private const uint INCOMPAT_64BIT = 0x80;
    private const int MinimumDescriptorSize = 32;
    private const int bg_inode_bitmap_lo = 0x4;
    private const int bg_inode_table_lo = 0x8;
    private const int bg_flags = 0x12;
    private const int bg_inode_bitmap_hi = 0x24;
    private const int bg_inode_table_hi = 0x28;
    private const ushort EXT4_BG_INODE_UNINIT = 0x1;
    private const int i_mode = 0x0;
    private const int i_mtime = 0x10;

    /// <summary>The root directory's inode number.</summary>
    public const uint RootInode = 2;

    /// <summary>An in-use inode and its i_mtime (low 32 bits); <see cref="Mode"/> is its i_mode (type and permission bits).</summary>
    public readonly record struct InodeTime(uint Inode, uint MTime)
    {
        public ushort Mode { get; init; }
    }

    /// <summary>
    /// Every in-use inode that holds user data: the root directory and all inodes from s_first_ino on
    /// (lost+found and everything copied in). The reserved inodes 1 and 3..s_first_ino-1 are skipped.
    /// </summary>
    public static List<InodeTime> UserInodes(string imagePath)
    {
        using SafeFileHandle file = File.OpenHandle(imagePath, FileMode.Open, FileAccess.Read, FileShare.Read);
        byte[] sb = new byte[SuperBlockSize];
        ReadExactly(file, sb, SuperBlockOffset);
        if (BinaryPrimitives.ReadUInt16LittleEndian(sb.AsSpan(s_magic)) != Ext4SuperMagic)
            throw new InvalidDataException($"{imagePath} is not an ext2/3/4 file system.");
        uint inodesCount = U32(sb, s_inodes_count);
        uint firstDataBlock = U32(sb, s_first_data_block);
        int blockSize = 1024 << (int)U32(sb, s_log_block_size);
        uint inodesPerGroup = U32(sb, s_inodes_per_group);
        uint firstIno = U32(sb, s_first_ino);
        int inodeSize = BinaryPrimitives.ReadUInt16LittleEndian(sb.AsSpan(s_inode_size));
        bool is64Bit = (U32(sb, s_feature_incompat) & INCOMPAT_64BIT) != 0;
        int descSize = is64Bit ? BinaryPrimitives.ReadUInt16LittleEndian(sb.AsSpan(s_desc_size)) : MinimumDescriptorSize;
        if (inodesPerGroup == 0 || descSize < MinimumDescriptorSize)
            throw new InvalidDataException($"{imagePath} has an invalid ext4 superblock.");
        long groups = (inodesCount + inodesPerGroup - 1) / inodesPerGroup;

        byte[] descriptors = new byte[groups * descSize];
        ReadExactly(file, descriptors, (firstDataBlock + 1L) * blockSize);
        var result = new List<InodeTime>();
        byte[] bitmap = new byte[blockSize];
        byte[] inode = new byte[inodeSize];
        for (long g = 0; g < groups; g++)
        {
            var d = descriptors.AsSpan((int)(g * descSize), descSize);
            if ((BinaryPrimitives.ReadUInt16LittleEndian(d[bg_flags..]) & EXT4_BG_INODE_UNINIT) != 0)
                continue;
            long bitmapBlock = U32(d, bg_inode_bitmap_lo) | (is64Bit ? (long)U32(d, bg_inode_bitmap_hi) << 32 : 0);
            long tableBlock = U32(d, bg_inode_table_lo) | (is64Bit ? (long)U32(d, bg_inode_table_hi) << 32 : 0);
            ReadExactly(file, bitmap, bitmapBlock * blockSize);
            for (uint i = 0; i < inodesPerGroup; i++)
            {
                if ((bitmap[i >> 3] & (1 << (int)(i & 7))) == 0)
                    continue;
                uint number = (uint)(g * inodesPerGroup) + i + 1;
                if (number != RootInode && number < firstIno)
                    continue;
                ReadExactly(file, inode, tableBlock * blockSize + (long)i * inodeSize);
                result.Add(new InodeTime(number, U32(inode, i_mtime)) { Mode = BinaryPrimitives.ReadUInt16LittleEndian(inode.AsSpan(i_mode)) });
            }
        }
        return result;
    }

    private static uint U32(ReadOnlySpan<byte> b, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(b[offset..]);

    private static void ReadExactly(SafeFileHandle file, byte[] buffer, long offset)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(file, buffer.AsSpan(done), offset + done);
            if (n == 0)
                throw new InvalidDataException("The ext4 image ends before its metadata.");
            done += n;
        }
    }
}
