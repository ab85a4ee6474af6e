// Estimates how big an ext4 file system (4 KiB blocks, 256-byte inodes) must be to hold a folder: the smallest size
// that can possibly fit (for "too small" errors) and a comfortable default when the project gives no Size.
// Journal sizes follow e2fsprogs' ext2fs_default_journal_size (lib/ext2fs/mkjournal.c).
namespace CcImage.Core.Disk;

public static class Ext4Sizing
{
    public const int BlockSize = 4096;
    public const int InodeSize = 256;

    /// <summary>Symlink targets shorter than this live inside the inode (i_block, 60 bytes).</summary>
    private const int FastSymlinkLimit = 60;

    /// <summary>An extent tree leaf holds 4 extents in the inode; count one extra block per this many data blocks.</summary>
    private const long BlocksPerExtentBlock = 32768L * 340;

    /// <summary>Directory entry header (inode, rec_len, name_len, file_type) before the name, 4-byte aligned.</summary>
    private const int DirEntryHeader = 8;

    private const long MiB = 1L << 20;
    private const int ReservedInodes = 11;

    /// <summary>mke2fs gives lost+found 16 KiB.</summary>
    private const int LostAndFoundBlocks = 4;

    /// <summary>Bytes of blocks and inodes the folder's tree needs, with no free space, journal or group metadata.</summary>
    public static long MinimumBytes(string? folder)
    {
        var (blocks, inodes) = Count(folder);
        return blocks * BlockSize + (inodes + ReservedInodes) * (long)InodeSize;
    }

    /// <summary>A size that holds the tree with room to spare: 25 % slack, metadata, the default journal (unless
    /// <paramref name="journal"/> is false), rounded to 1 MiB.</summary>
    public static long DefaultBytes(string? folder, bool journal = true)
    {
        var (blocks, inodes) = Count(folder);
        long data = blocks * BlockSize;
        long inodeTables = (inodes + ReservedInodes) * 2L * InodeSize;
        long body = data + data / 4 + inodeTables + 8 * MiB;
        long total = body + (journal ? JournalBytes(body) : 0);
        return (total + MiB - 1) / MiB * MiB;
    }

    /// <summary>
    /// A size for a read-only file system that is never written (no journal): the tree's blocks and inodes, twice the
    /// inode tables it needs, the group metadata and 2 % slack, rounded up to 1 MiB.
    /// </summary>
    public static long TightBytes(string? folder)
    {
        var (blocks, inodes) = Count(folder);
        long data = blocks * BlockSize;
        long inodeTables = (inodes + ReservedInodes) * 2L * InodeSize;
        long groupMetadata = (data / (128 * MiB) + 1) * 2 * BlockSize; // bitmaps per 128 MiB block group
        return RoundToMiB(data + data / 50 + inodeTables + groupMetadata + 4 * MiB);
    }

    /// <summary><paramref name="bytes"/> rounded up to a whole MiB.</summary>
    public static long RoundToMiB(long bytes) => (bytes + MiB - 1) / MiB * MiB;

    /// <summary>
    /// The bytes of an ext4 partition holding <paramref name="folder"/>: the given <paramref name="size"/> (checked to
    /// hold the tree, CCIMG1114 otherwise) or, when empty, <see cref="DefaultBytes"/>.
    /// </summary>
    public static long ResolveBytes(string? size, string? folder, string partitionName, bool journal = true)
    {
        if (string.IsNullOrWhiteSpace(size))
            return DefaultBytes(folder, journal);
        long bytes = Config.SizeParser.Parse(size, $"the Size of partition '{partitionName}'");
        long minimum = MinimumBytes(folder) + (journal ? JournalBytes(bytes) : 0);
        if (bytes < minimum)
            throw Diagnostics.Diag.Error(nameof(Diagnostics.Strings.PartitionSizeTooSmall), partitionName, bytes, minimum, "its folder as ext4");
        return bytes;
    }

    /// <summary>The journal mke2fs creates for a file system of <paramref name="bytes"/>.</summary>
    public static long JournalBytes(long bytes)
    {
        long blocks = bytes / BlockSize;
        long journalBlocks = blocks switch
        {
            < 2048 => 0,
            < 32768 => 1024,
            < 256 * 1024 => 4096,
            < 512 * 1024 => 8192,
            < 4096 * 1024 => 16384,
            < 8192 * 1024 => 32768,
            < 16384 * 1024 => 65536,
            < 32768 * 1024 => 131072,
            _ => 262144,
        };
        return journalBlocks * BlockSize;
    }

    private static (long Blocks, long Inodes) Count(string? folder)
    {
        long blocks = 1, inodes = 1; // root directory
        if (folder == null)
            return (blocks + LostAndFoundBlocks, inodes + 1);
        var pending = new Stack<DirectoryInfo>();
        pending.Push(new DirectoryInfo(folder));
        while (pending.Count > 0)
        {
            var dir = pending.Pop();
            long entryBytes = 0;
            foreach (var entry in dir.EnumerateFileSystemInfos())
            {
                inodes++;
                entryBytes += DirEntryHeader + ((System.Text.Encoding.UTF8.GetByteCount(entry.Name) + 3) & ~3);
                if (entry.LinkTarget != null)
                {
                    if (System.Text.Encoding.UTF8.GetByteCount(entry.LinkTarget) >= FastSymlinkLimit)
                        blocks++;
                }
                else if (entry is DirectoryInfo sub)
                    pending.Push(sub);
                else if (entry is FileInfo file)
                {
                    long fileBlocks = (file.Length + BlockSize - 1) / BlockSize;
                    blocks += fileBlocks + fileBlocks / BlocksPerExtentBlock;
                }
            }
            blocks += Math.Max(1, (entryBytes + BlockSize - 1) / BlockSize);
        }
        return (blocks + LostAndFoundBlocks, inodes + 1);
    }
}
