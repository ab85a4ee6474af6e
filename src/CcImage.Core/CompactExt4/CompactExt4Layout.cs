// The fixed geometry of hcsshim's compact ext4 images (ext4/internal/compactext4, compact.go constants) and the ext4
// on-disk constants it uses (ext4/internal/format, after the Linux ext4 disk layout).
// Spec: "ext4 Data Structures and Algorithms" (kernel.org, Documentation/filesystems/ext4): super block, block group
// descriptors, inode table, extent tree, linear directories, extended attributes.
namespace CcImage.Core.CompactExt4;

internal static class CompactExt4Layout
{
    public const int BlockSize = 4096;
    public const int BlocksPerGroup = BlockSize * 8;
    public const int InodeSize = 256;
    public const int MaxInodesPerGroup = BlockSize * 8;
    public const int InodesPerGroupIncrement = BlockSize / InodeSize;
    public const long DefaultMaxDiskSize = 16L << 30;
    public const long MaxMaxDiskSize = 16L << 40;
    public const int GroupDescriptorSize = 32;
    public const int GroupsPerDescriptorBlock = BlockSize / GroupDescriptorSize;
    public const long MaxFileSize = 128L << 30;
    public const int SmallSymlinkSize = 59;
    public const uint MaxBlocksPerExtent = 0x8000;
    public const int InodeDataSize = 60;
    public const int InodeUsedSize = 152;
    public const int InodeExtraSize = InodeSize - InodeUsedSize;
    public const int XattrInodeOverhead = 4 + 4;
    public const int XattrBlockOverhead = 32 + 4;
    public const int XattrBlockHeaderSize = 32;
    public const int XattrEntryHeaderSize = 16;
    public const int DirectoryEntrySize = 8;
    public const int DirectoryTrailingReserve = 12;
    public const int ExtentNodeSize = 12;
    public const int ExtentsInInode = 4;
    public const int ExtentsPerBlock = BlockSize / ExtentNodeSize - 1;
    public const ushort ExtraIsize = InodeUsedSize - 128;
    public const uint InodeFirst = 11;
    public const uint InodeLostAndFound = InodeFirst;
    public const uint InodeRoot = 2;
    public const uint MaxLinks = 65000;
    public const int MaxNameLength = 0xff;

    // The super block starts 1024 bytes into block 0.
    public const int SuperBlockOffset = 1024;

    public const ushort SuperBlockMagic = 0xef53;
    public const ushort ExtentHeaderMagic = 0xf30a;
    public const uint XattrHeaderMagic = 0xea020000;

    public const uint CompatExtAttr = 0x8;
    public const uint CompatSparseSuper2 = 0x200;
    public const uint IncompatFiletype = 0x2;
    public const uint IncompatExtents = 0x40;
    public const uint IncompatFlexBg = 0x200;
    public const uint RoCompatLargeFile = 0x2;
    public const uint RoCompatHugeFile = 0x8;
    public const uint RoCompatExtraIsize = 0x40;
    public const uint RoCompatReadonly = 0x1000;
    public const byte LogGroupsPerFlex = 31;
    public const uint LogBlockSizeOf4096 = 2;
    public const ushort StateCleanlyUnmounted = 1;
    public const ushort ErrorsContinue = 1;
    public const uint RevisionDynamic = 1;

    public const uint InodeFlagHugeFile = 0x40000;
    public const uint InodeFlagExtents = 0x80000;

    public const ushort TypeMask = 0xF000;
    public const ushort S_IFIFO = 0x1000;
    public const ushort S_IFCHR = 0x2000;
    public const ushort S_IFDIR = 0x4000;
    public const ushort S_IFBLK = 0x6000;
    public const ushort S_IFREG = 0x8000;
    public const ushort S_IFLNK = 0xA000;
    public const ushort S_IFSOCK = 0xC000;
    public const ushort AllPermissions = 0x1FF; // 0777

    /// <summary>Directory entry file types (ext4 "dirent2" file_type).</summary>
    public static byte FileTypeOf(ushort mode) => (mode & TypeMask) switch
    {
        S_IFREG => 1,
        S_IFDIR => 2,
        S_IFCHR => 3,
        S_IFBLK => 4,
        S_IFIFO => 5,
        S_IFSOCK => 6,
        S_IFLNK => 7,
        _ => 0,
    };
}
