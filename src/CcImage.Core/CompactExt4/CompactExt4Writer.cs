// Writes a compact, read-only ext4 file system exactly as hcsshim's compactext4.Writer does (hcsshim
// ext4/internal/compactext4/compact.go): inodes in creation order from 11, file data packed in order right after
// the group descriptors, directories at the end (linear, entries ordered by inode number), then one inode table
// sized by the best group count, the bitmaps, the descriptors and the super block; no UUID, no journal, no times
// of its own. Its quirks are kept on purpose, because the dm-verity root hash of these bytes is what a confidential
// container group checks: the index-node extent layout for files over 512 MiB, the xattr block ordering (Go's
// sort.Slice with a non-strict comparison), parent directories inheriting their parent's metadata.
// Spec: ext4 Data Structures and Algorithms (kernel.org); hcsshim compactext4 for the choices ext4 leaves open.
using System.Buffers.Binary;
using System.Text;
using CcImage.Core.LayerTar;
using static CcImage.Core.CompactExt4.CompactExt4Layout;

namespace CcImage.Core.CompactExt4;

internal sealed class CompactExt4Writer
{
    private const long MaxSeconds = 0x37fffffff;
    private const long MinSeconds = -0x80000000L;
    private const ulong ClampedMinTime = 0x80000000;
    private const int NanosecondShift = 34;
    private const ulong SecondsMask = 0x3ffffffff;
    private const ulong Int32SignRangeStart = 0x7fffffff;
    private const ulong Int32SignRangeEnd = 0x100000000;
    private const uint DefectiveBlockInodes = 1;

    private readonly IExt4Sink _sink;
    private readonly long _maxDiskSize;
    private readonly Dictionary<uint, byte[]> _xattrBlocks = [];
    private List<CompactExt4Inode?> _inodes = [];
    private string _curName = "";
    private CompactExt4Inode? _curInode;
    private long _pos;
    private long _dataWritten;
    private long _dataMax;
    private bool _initialized;
    private uint _gdBlocks;

    public CompactExt4Writer(IExt4Sink sink, long maximumDiskSize)
    {
        _sink = sink;
        _maxDiskSize = maximumDiskSize switch
        {
            < 0 or > MaxMaxDiskSize => MaxMaxDiskSize,
            0 => DefaultMaxDiskSize,
            _ => (maximumDiskSize + BlockSize - 1) & ~(long)(BlockSize - 1),
        };
    }

    private static Ext4FormatException Fail(string message) => new(message);

    // ---- times (compact.go timeToFsTime / fsTimeToTime) ----

    internal static ulong TimeToFsTime(GoTime t)
    {
        if (t.IsZero)
            return 0;
        long s = t.Seconds;
        if (s < MinSeconds)
            return ClampedMinTime;
        if (s > MaxSeconds)
            return (ulong)MaxSeconds;
        return (ulong)s | (ulong)t.Nanoseconds << NanosecondShift;
    }

    internal static GoTime FsTimeToTime(ulong t)
    {
        if (t == 0)
            return GoTime.Zero;
        long s = (long)(t & SecondsMask);
        if ((ulong)s > Int32SignRangeStart && (ulong)s < Int32SignRangeEnd)
            s = (int)(uint)s;
        return GoTime.Unix(s, (long)(t >> NanosecondShift));
    }

    // ---- paths (Go's path package) ----

    private static (string Head, string Tail) SplitFirst(string p)
    {
        int n = p.IndexOf('/', StringComparison.Ordinal);
        return n >= 0 ? (p[..n], p[(n + 1)..]) : (p, "");
    }

    private CompactExt4Inode? GetInode(uint i) =>
        i == 0 || i > _inodes.Count ? null : _inodes[(int)i - 1];

    private CompactExt4Inode Root => GetInode(InodeRoot)!;

    private static CompactExt4Inode? FindPath(CompactExt4Inode root, string p)
    {
        CompactExt4Inode? inode = root;
        while (inode is not null && p.Length != 0)
        {
            var (name, rest) = SplitFirst(p);
            p = rest;
            inode = inode.Children is { } children && children.TryGetValue(name, out var child) ? child : null;
        }
        return inode;
    }

    private (CompactExt4Inode Dir, CompactExt4Inode? Child, string ChildName) Lookup(string name, bool mustExist)
    {
        var root = Root;
        string clean = GoPath.Clean("/" + name)[1..];
        if (clean.Length == 0)
            return (root, root, "");
        var (dirname, childname) = GoPath.Split(clean);
        if (childname.Length == 0 || childname.Length > MaxNameLength)
            throw Fail($"{name}: invalid name");
        var dir = FindPath(root, dirname);
        if (dir is null || !dir.IsDir)
            throw Fail($"{name}: path not found");
        dir.Children!.TryGetValue(childname, out var child);
        if (child is null && mustExist)
            throw Fail($"{name}: file not found");
        return (dir, child, childname);
    }

    // ---- the public operations (MakeParents, Create, Link, Stat, Write, Close) ----

    public void MakeParents(string name)
    {
        FinishInode();
        string clean = GoPath.Clean("/" + name)[1..];
        var (parentDirs, _) = GoPath.Split(clean);
        string currentPath = "";
        CompactExt4Inode? root = Root;
        while (parentDirs.Length != 0)
        {
            (string dirname, parentDirs) = SplitFirst(parentDirs);
            currentPath += "/" + dirname;
            if (root!.Children is null || !root.Children.ContainsKey(dirname))
            {
                var f = new CompactExt4File
                {
                    Mode = root.Mode,
                    Atime = FsTimeToTime(root.Atime),
                    Mtime = FsTimeToTime(root.Mtime),
                    Ctime = FsTimeToTime(root.Ctime),
                    Crtime = FsTimeToTime(root.Crtime),
                    Size = 0,
                    Uid = root.Uid,
                    Gid = root.Gid,
                    Devmajor = root.Devmajor,
                    Devminor = root.Devminor,
                };
                try
                {
                    Create(currentPath, f);
                }
                catch (Ext4FormatException e)
                {
                    throw Fail($"failed while creating parent directories: {e.Message}");
                }
            }
            root = root.Children![dirname];
        }
    }

    public void Create(string name, CompactExt4File f)
    {
        FinishInode();
        var (dir, existing, childname) = Lookup(name, false);
        CompactExt4Inode? reuse = null;
        if (existing is not null)
        {
            if (existing.IsDir)
            {
                if ((f.Mode & TypeMask) != S_IFDIR)
                    throw Fail($"{name}: cannot replace a directory with a file");
                reuse = existing;
            }
            else if ((f.Mode & TypeMask) == S_IFDIR)
            {
                throw Fail($"{name}: cannot replace a file with a directory");
            }
            else if (existing.LinkCount < 2)
            {
                reuse = existing;
            }
        }
        else if ((f.Mode & TypeMask) == S_IFDIR && dir.LinkCount >= MaxLinks)
        {
            throw Fail($"{name}: exceeded parent directory maximum link count");
        }

        CompactExt4Inode child;
        try
        {
            child = MakeInode(f, reuse);
        }
        catch (Ext4FormatException e)
        {
            throw Fail($"{name}: {e.Message}");
        }
        if (!ReferenceEquals(existing, child))
        {
            if (existing is not null)
                existing.LinkCount--;
            dir.Children![childname] = child;
            child.LinkCount++;
            if (child.IsDir)
                dir.LinkCount++;
        }
        if ((child.Mode & TypeMask) == S_IFREG)
            StartInode(name, child, f.Size);
    }

    public void Link(string oldname, string newname)
    {
        FinishInode();
        var (newdir, existing, newchildname) = Lookup(newname, false);
        if (existing is not null && (existing.IsDir || existing.LinkCount < 2))
            throw Fail($"{newname}: cannot orphan existing file or directory");
        var (_, oldfile, _) = Lookup(oldname, true);
        if ((oldfile!.Mode & TypeMask) == S_IFDIR)
            throw Fail($"{newname}: link target cannot be a directory: {oldname}");
        if (!ReferenceEquals(existing, oldfile) && oldfile.LinkCount >= MaxLinks)
            throw Fail($"{newname}: link target would exceed maximum link count: {oldname}");
        if (existing is not null)
            existing.LinkCount--;
        oldfile.LinkCount++;
        newdir.Children![newchildname] = oldfile;
    }

    public CompactExt4File Stat(string name)
    {
        FinishInode();
        var (_, node, _) = Lookup(name, true);
        var f = new CompactExt4File
        {
            Size = node!.Size,
            Mode = node.Mode,
            Uid = node.Uid,
            Gid = node.Gid,
            Atime = FsTimeToTime(node.Atime),
            Ctime = FsTimeToTime(node.Ctime),
            Mtime = FsTimeToTime(node.Mtime),
            Crtime = FsTimeToTime(node.Crtime),
            Devmajor = node.Devmajor,
            Devminor = node.Devminor,
        };
        if (node.XattrBlock != 0 || node.XattrInline is { Length: > 0 })
        {
            if (node.XattrBlock != 0)
                Ext4XattrCodec.Get(_xattrBlocks[node.XattrBlock].AsSpan(XattrBlockHeaderSize), f.Xattrs, XattrBlockHeaderSize);
            if (node.XattrInline is { Length: > 0 } inline)
            {
                Ext4XattrCodec.Get(inline.AsSpan(4), f.Xattrs, 0);
                f.Xattrs.Remove("system.data");
            }
        }
        if (node.FileType == S_IFLNK)
        {
            if (node.Size > SmallSymlinkSize)
                throw Fail($"{name}: cannot retrieve link information");
            f.Linkname = Encoding.Latin1.GetString(node.Data ?? []);
        }
        return f;
    }

    public void Write(ReadOnlySpan<byte> b)
    {
        if (b.IsEmpty)
            return;
        if (_dataWritten + b.Length > _dataMax)
            throw Fail($"{_curName}: wrote too much: {_dataWritten + b.Length} > {_dataMax}");
        WriteRaw(b);
        _dataWritten += b.Length;
    }

    private void WriteZerosAsData(long count)
    {
        if (_dataWritten + count > _dataMax)
            throw Fail($"{_curName}: wrote too much: {_dataWritten + count} > {_dataMax}");
        WriteZeros(count);
        _dataWritten += count;
    }

    // ---- raw output ----

    private void WriteRaw(ReadOnlySpan<byte> b)
    {
        if (_pos + b.Length > _maxDiskSize)
            throw Fail($"disk exceeded maximum size of {_maxDiskSize} bytes");
        _sink.Write(_pos, b);
        _pos += b.Length;
    }

    private void WriteZeros(long n)
    {
        if (_pos + n > _maxDiskSize)
            throw Fail($"disk exceeded maximum size of {_maxDiskSize} bytes");
        _sink.WriteZeros(_pos, n);
        _pos += n;
    }

    private uint CurrentBlock => (uint)(_pos / BlockSize);

    private void SeekBlock(uint block) => _pos = (long)block * BlockSize;

    private void NextBlock()
    {
        if (_pos % BlockSize != 0)
            WriteZeros(BlockSize - _pos % BlockSize);
    }

    // ---- inodes ----

    private CompactExt4Inode MakeInode(CompactExt4File f, CompactExt4Inode? node)
    {
        ushort mode = f.Mode;
        if ((mode & TypeMask) == 0)
            mode |= S_IFREG;
        ushort typ = (ushort)(mode & TypeMask);
        uint ino = (uint)_inodes.Count + 1;
        if (node is null)
        {
            node = new CompactExt4Inode { Number = ino };
            if (typ == S_IFDIR)
            {
                node.Children = new Dictionary<string, CompactExt4Inode>(StringComparer.Ordinal);
                node.LinkCount = 1;
            }
        }
        else if ((node.Flags & InodeFlagExtents) != 0)
        {
            throw Fail("cannot overwrite file with non-inline data");
        }
        node.Mode = mode;
        node.Uid = f.Uid;
        node.Gid = f.Gid;
        node.Flags = InodeFlagHugeFile;
        node.Atime = TimeToFsTime(f.Atime);
        node.Ctime = TimeToFsTime(f.Ctime);
        node.Mtime = TimeToFsTime(f.Mtime);
        node.Crtime = TimeToFsTime(f.Crtime);
        node.Devmajor = f.Devmajor;
        node.Devminor = f.Devminor;
        node.Data = null;

        var existingXattrs = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (node.XattrInline is { Length: > 0 } inline)
            Ext4XattrCodec.Get(inline.AsSpan(4), existingXattrs, 0);
        node.XattrInline = null;

        var state = new XattrState();
        long size = 0;
        switch (typ)
        {
            case S_IFREG:
                size = f.Size;
                if (f.Size > MaxFileSize)
                    throw Fail($"file too big: {f.Size} > {MaxFileSize}");
                break;
            case S_IFLNK:
                node.Mode |= AllPermissions;
                size = f.Linkname.Length;
                if (size <= SmallSymlinkSize)
                    node.Data = Encoding.Latin1.GetBytes(f.Linkname);
                break;
            case S_IFDIR:
            case S_IFIFO:
            case S_IFSOCK:
            case S_IFCHR:
            case S_IFBLK:
                break;
            default:
                throw Fail($"invalid mode {Convert.ToString(mode, 8)}");
        }

        foreach (var (name, data) in existingXattrs)
            f.Xattrs.TryAdd(name, data);

        if (f.Xattrs.Count != 0)
        {
            var names = f.Xattrs.Keys.ToList();
            names.Sort(StringComparer.Ordinal);
            foreach (string name in names)
                if (!state.Add(name, f.Xattrs[name]))
                    throw Fail($"could not fit xattr {name}");
        }

        WriteXattrs(node, state);

        node.Size = size;
        if (typ == S_IFLNK && size > SmallSymlinkSize)
        {
            StartInode("", node, size);
            Write(Encoding.Latin1.GetBytes(f.Linkname));
            FinishInode();
        }

        if (node.Number - 1 >= _inodes.Count)
            _inodes.Add(node);
        return node;
    }

    private void WriteXattrs(CompactExt4Inode inode, XattrState state)
    {
        if (state.Inode.Count != 0)
        {
            inode.XattrInline = new byte[InodeExtraSize];
            BinaryPrimitives.WriteUInt32LittleEndian(inode.XattrInline, XattrHeaderMagic);
            Ext4XattrCodec.Put(state.Inode, inode.XattrInline.AsSpan(4), 0);
        }

        if (state.Block.Count != 0 || inode.XattrBlock != 0)
        {
            GoSliceSort.Sort(state.Block, static (a, b) =>
                a.Index < b.Index || a.Name.Length < b.Name.Length || string.CompareOrdinal(a.Name, b.Name) < 0);

            var block = new byte[BlockSize];
            BinaryPrimitives.WriteUInt32LittleEndian(block, XattrHeaderMagic);
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(4), 1); // reference count
            BinaryPrimitives.WriteUInt32LittleEndian(block.AsSpan(8), 1); // blocks
            Ext4XattrCodec.Put(state.Block, block.AsSpan(XattrBlockHeaderSize), XattrBlockHeaderSize);

            uint orig = CurrentBlock;
            if (inode.XattrBlock == 0)
            {
                inode.XattrBlock = orig;
                inode.BlockCount++;
                WriteRaw(block);
            }
            else
            {
                SeekBlock(inode.XattrBlock);
                WriteRaw(block);
                SeekBlock(orig);
            }
            _xattrBlocks[inode.XattrBlock] = block;
        }
    }

    private void StartInode(string name, CompactExt4Inode inode, long size)
    {
        if (_curInode is not null)
            throw new InvalidOperationException("inode already in progress");
        _curName = name;
        _curInode = inode;
        _dataWritten = 0;
        _dataMax = size;
    }

    private void FinishInode()
    {
        if (!_initialized)
            Initialize();
        if (_curInode is null)
            return;
        if (_dataWritten != _dataMax)
            throw Fail($"did not write the right amount: {_dataWritten} != {_dataMax}");
        if (_dataMax != 0)
            WriteExtents(_curInode);
        _dataWritten = 0;
        _dataMax = 0;
        _curInode = null;
    }

    private static void FillExtents(Span<byte> header, Span<byte> entries, int count, int capacity,
        uint startBlock, uint offset, uint inodeBlocks)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(header, ExtentHeaderMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[2..], (ushort)count);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], (ushort)capacity);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0); // depth
        for (int i = 0; i < count; i++)
        {
            uint block = offset + (uint)i * MaxBlocksPerExtent;
            uint length = inodeBlocks - block;
            if (length > MaxBlocksPerExtent)
                length = MaxBlocksPerExtent;
            uint start = startBlock + block;
            var e = entries[(i * ExtentNodeSize)..];
            BinaryPrimitives.WriteUInt32LittleEndian(e, block);
            BinaryPrimitives.WriteUInt16LittleEndian(e[4..], (ushort)length);
            BinaryPrimitives.WriteUInt16LittleEndian(e[6..], 0);
            BinaryPrimitives.WriteUInt32LittleEndian(e[8..], start);
        }
    }

    private void WriteExtents(CompactExt4Inode inode)
    {
        long start = _pos - _dataWritten;
        if (start % BlockSize != 0)
            throw new InvalidOperationException("unaligned");
        NextBlock();

        uint startBlock = (uint)(start / BlockSize);
        uint blocks = CurrentBlock - startBlock;
        uint usedBlocks = blocks;
        uint extents = (blocks + MaxBlocksPerExtent - 1) / MaxBlocksPerExtent;
        var root = new byte[ExtentNodeSize * (1 + ExtentsInInode)];
        if (extents == 0)
        {
            // Nothing to do.
        }
        else if (extents <= ExtentsInInode)
        {
            FillExtents(root, root.AsSpan(ExtentNodeSize), (int)extents, ExtentsInInode, startBlock, 0, blocks);
        }
        else if (extents <= ExtentsInInode * ExtentsPerBlock)
        {
            uint extentBlocks = extents / ExtentsPerBlock + 1;
            usedBlocks += extentBlocks;
            if (extentBlocks > ExtentsInInode)
                throw new InvalidOperationException("index out of range"); // Go panics here too
            BinaryPrimitives.WriteUInt16LittleEndian(root, ExtentHeaderMagic);
            BinaryPrimitives.WriteUInt16LittleEndian(root.AsSpan(2), (ushort)extentBlocks);
            BinaryPrimitives.WriteUInt16LittleEndian(root.AsSpan(4), ExtentsInInode);
            BinaryPrimitives.WriteUInt16LittleEndian(root.AsSpan(6), 1); // depth
            var node = new byte[BlockSize];
            for (uint i = 0; i < extentBlocks; i++)
            {
                var index = root.AsSpan((int)(ExtentNodeSize * (1 + i)));
                BinaryPrimitives.WriteUInt32LittleEndian(index, i * ExtentsPerBlock * MaxBlocksPerExtent);
                BinaryPrimitives.WriteUInt32LittleEndian(index[4..], CurrentBlock);
                uint extentsInBlock = extents - i * extentBlocks;
                if (extentsInBlock > ExtentsPerBlock)
                    extentsInBlock = ExtentsPerBlock;
                Array.Clear(node);
                uint offset = i * ExtentsPerBlock * MaxBlocksPerExtent;
                FillExtents(node, node.AsSpan(ExtentNodeSize), (int)extentsInBlock, ExtentsPerBlock, startBlock + offset, offset, blocks);
                WriteRaw(node);
            }
        }
        else
        {
            throw Fail("file too big");
        }
        inode.Data = root;
        inode.Flags |= InodeFlagExtents;
        inode.BlockCount += usedBlocks;
    }

    // ---- directories ----

    private static List<KeyValuePair<string, CompactExt4Inode>> SortedChildren(CompactExt4Inode dir)
    {
        var children = dir.Children!.ToList();
        children.Sort(static (a, b) =>
        {
            int c = a.Value.Number.CompareTo(b.Value.Number);
            return c != 0 ? c : string.CompareOrdinal(a.Key, b.Key);
        });
        return children;
    }

    private void WriteDirectory(CompactExt4Inode dir, CompactExt4Inode parent)
    {
        FinishInode();
        StartInode("", dir, long.MaxValue);
        int left = BlockSize;
        Span<byte> entry = stackalloc byte[DirectoryEntrySize];

        void FinishBlock()
        {
            if (left > 0)
            {
                Span<byte> e = stackalloc byte[DirectoryEntrySize];
                e.Clear();
                BinaryPrimitives.WriteUInt16LittleEndian(e[4..], (ushort)left);
                Write(e);
                left -= DirectoryEntrySize;
                if (left < 4)
                    throw new InvalidOperationException("not enough space for trailing entry");
                WriteZerosAsData(left);
            }
            left = BlockSize;
        }

        void WriteEntry(uint ino, string name)
        {
            int rlb = DirectoryEntrySize + name.Length;
            int rl = (rlb + 3) & ~3;
            if (left < rl + DirectoryTrailingReserve)
                FinishBlock();
            Span<byte> e = stackalloc byte[DirectoryEntrySize];
            BinaryPrimitives.WriteUInt32LittleEndian(e, ino);
            BinaryPrimitives.WriteUInt16LittleEndian(e[4..], (ushort)rl);
            e[6] = (byte)name.Length;
            e[7] = FileTypeOf(GetInode(ino)!.Mode);
            Write(e);
            Write(Encoding.Latin1.GetBytes(name));
            Span<byte> pad = stackalloc byte[4];
            pad.Clear();
            Write(pad[..(rl - rlb)]);
            left -= rl;
        }

        _ = entry;
        WriteEntry(dir.Number, ".");
        WriteEntry(parent.Number, "..");
        foreach (var (name, child) in SortedChildren(dir))
            WriteEntry(child.Number, name);
        FinishBlock();
        _curInode!.Size = _dataWritten;
        _dataMax = _dataWritten;
    }

    private void WriteDirectoryRecursive(CompactExt4Inode dir, CompactExt4Inode parent)
    {
        WriteDirectory(dir, parent);
        foreach (var (_, child) in SortedChildren(dir))
            if (child.IsDir)
                WriteDirectoryRecursive(child, dir);
    }

    // ---- inode table, bitmaps, descriptors, super block ----

    private void WriteInodeTable(uint tableSize)
    {
        var b = new byte[InodeSize];
        foreach (var inode in _inodes)
        {
            Array.Clear(b);
            if (inode is not null)
            {
                var s = b.AsSpan();
                BinaryPrimitives.WriteUInt16LittleEndian(s, inode.Mode);
                BinaryPrimitives.WriteUInt16LittleEndian(s[0x02..], (ushort)(inode.Uid & 0xffff));
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x04..], (uint)(inode.Size & 0xffffffff));
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x08..], (uint)inode.Atime);
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x0C..], (uint)inode.Ctime);
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x10..], (uint)inode.Mtime);
                BinaryPrimitives.WriteUInt16LittleEndian(s[0x18..], (ushort)(inode.Gid & 0xffff));
                BinaryPrimitives.WriteUInt16LittleEndian(s[0x1A..], (ushort)inode.LinkCount);
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x1C..], inode.BlockCount);
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x20..], inode.Flags);
                var block = s.Slice(0x28, InodeDataSize);
                switch (inode.Mode & TypeMask)
                {
                    case S_IFDIR:
                    case S_IFREG:
                    case S_IFLNK:
                        if (inode.Data is { } data)
                            data.AsSpan(0, Math.Min(data.Length, InodeDataSize)).CopyTo(block);
                        break;
                    case S_IFBLK:
                    case S_IFCHR:
                        uint dev = (inode.Devminor & 0xff) | (inode.Devmajor << 8) | ((inode.Devminor & 0xffffff00) << 12);
                        BinaryPrimitives.WriteUInt32LittleEndian(block[4..], dev);
                        break;
                }
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x68..], inode.XattrBlock);
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x6C..], (uint)(inode.Size >> 32));
                BinaryPrimitives.WriteUInt16LittleEndian(s[0x78..], (ushort)(inode.Uid >> 16));
                BinaryPrimitives.WriteUInt16LittleEndian(s[0x7A..], (ushort)(inode.Gid >> 16));
                BinaryPrimitives.WriteUInt16LittleEndian(s[0x80..], ExtraIsize);
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x84..], (uint)(inode.Ctime >> 32));
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x88..], (uint)(inode.Mtime >> 32));
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x8C..], (uint)(inode.Atime >> 32));
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x90..], (uint)inode.Crtime);
                BinaryPrimitives.WriteUInt32LittleEndian(s[0x94..], (uint)(inode.Crtime >> 32));
                inode.XattrInline?.CopyTo(s[InodeUsedSize..]);
            }
            WriteRaw(b);
        }
        uint rest = tableSize - (uint)(_inodes.Count * InodeSize);
        WriteZeros(rest);
    }

    private void Initialize()
    {
        _inodes = new List<CompactExt4Inode?>(32) { null };
        var root = MakeInode(new CompactExt4File { Mode = S_IFDIR | 0x1ED }, null); // 0755
        root.LinkCount++;
        while (_inodes.Count < InodeFirst - 1)
            _inodes.Add(null);
        long maxBlocks = (_maxDiskSize - 1) / BlockSize + 1;
        long maxGroups = (maxBlocks - 1) / BlocksPerGroup + 1;
        _gdBlocks = (uint)((maxGroups - 1) / GroupsPerDescriptorBlock + 1);
        SeekBlock(1 + _gdBlocks);
        _initialized = true;
        Create("lost+found", new CompactExt4File { Mode = S_IFDIR | 0x1C0 }); // 0700
    }

    private static uint GroupCount(uint blocks, uint inodes, uint inodesPerGroup)
    {
        uint inodeBlocksPerGroup = inodesPerGroup * InodeSize / BlockSize;
        uint dataBlocksPerGroup = BlocksPerGroup - inodeBlocksPerGroup - 2;
        uint minBlocks = (inodes - 1) / inodesPerGroup * dataBlocksPerGroup + 1;
        if (blocks < minBlocks)
            blocks = minBlocks;
        return (blocks + dataBlocksPerGroup - 1) / dataBlocksPerGroup;
    }

    private static (uint Groups, uint InodesPerGroup) BestGroupCount(uint blocks, uint inodes)
    {
        uint groups = uint.MaxValue, inodesPerGroup = 0;
        for (uint ipg = InodesPerGroupIncrement; ipg <= MaxInodesPerGroup; ipg += InodesPerGroupIncrement)
        {
            uint g = GroupCount(blocks, inodes, ipg);
            if (g < groups)
            {
                groups = g;
                inodesPerGroup = ipg;
            }
        }
        return (groups, inodesPerGroup);
    }

    public void Close()
    {
        FinishInode();
        var root = Root;
        WriteDirectoryRecursive(root, root);
        FinishInode();

        uint inodeTableOffset = CurrentBlock;
        var (groups, inodesPerGroup) = BestGroupCount(inodeTableOffset, (uint)_inodes.Count);
        WriteInodeTable(groups * inodesPerGroup * InodeSize);

        uint bitmapOffset = CurrentBlock;
        uint bitmapSize = groups * 2;
        uint validDataSize = bitmapOffset + bitmapSize;
        uint diskSize = validDataSize;
        uint minSize = (groups - 1) * BlocksPerGroup + 1;
        if (diskSize < minSize)
            diskSize = minSize;

        uint usedGdBlocks = (groups - 1) / GroupsPerDescriptorBlock + 1;
        if (usedGdBlocks > _gdBlocks)
            throw Fail($"disk exceeded maximum size of {_maxDiskSize} bytes");

        var gds = new byte[_gdBlocks * BlockSize];
        uint inodeTableSizePerGroup = inodesPerGroup * InodeSize / BlockSize;
        uint totalUsedBlocks = 0, totalUsedInodes = 0;
        var b = new byte[BlockSize * 2];
        for (uint g = 0; g < groups; g++)
        {
            Array.Clear(b);
            ushort dirCount = 0, usedInodeCount = 0, usedBlockCount = 0;
            if ((g + 1) * BlocksPerGroup <= validDataSize)
            {
                b.AsSpan(0, BlockSize).Fill(0xff);
                usedBlockCount = BlocksPerGroup;
            }
            else if (g * BlocksPerGroup < validDataSize)
            {
                for (uint j = 0; j < validDataSize - g * BlocksPerGroup; j++)
                {
                    b[j / 8] |= (byte)(1 << (int)(j % 8));
                    usedBlockCount++;
                }
            }
            if (g == 0)
            {
                for (uint j = 1 + usedGdBlocks; j < 1 + _gdBlocks; j++)
                {
                    b[j / 8] &= (byte)~(1 << (int)(j % 8));
                    usedBlockCount--;
                }
            }
            if (g == groups - 1 && diskSize % BlocksPerGroup != 0)
            {
                for (uint j = diskSize % BlocksPerGroup; j < BlocksPerGroup; j++)
                {
                    b[j / 8] |= (byte)(1 << (int)(j % 8));
                    usedBlockCount++;
                }
            }
            for (uint j = 0; j < inodesPerGroup; j++)
            {
                uint ino = 1 + g * inodesPerGroup + j;
                var inode = GetInode(ino);
                if (ino < InodeFirst || inode is not null)
                {
                    b[BlockSize + j / 8] |= (byte)(1 << (int)(j % 8));
                    usedInodeCount++;
                }
                if (inode is not null && (inode.Mode & TypeMask) == S_IFDIR)
                    dirCount++;
            }
            WriteRaw(b);
            var gd = gds.AsSpan((int)(g * GroupDescriptorSize), GroupDescriptorSize);
            BinaryPrimitives.WriteUInt32LittleEndian(gd, bitmapOffset + 2 * g);
            BinaryPrimitives.WriteUInt32LittleEndian(gd[4..], bitmapOffset + 2 * g + 1);
            BinaryPrimitives.WriteUInt32LittleEndian(gd[8..], inodeTableOffset + g * inodeTableSizePerGroup);
            BinaryPrimitives.WriteUInt16LittleEndian(gd[0x0C..], (ushort)(BlocksPerGroup - usedBlockCount));
            BinaryPrimitives.WriteUInt16LittleEndian(gd[0x0E..], (ushort)((ushort)inodesPerGroup - usedInodeCount));
            BinaryPrimitives.WriteUInt16LittleEndian(gd[0x10..], dirCount);
            totalUsedBlocks += usedBlockCount;
            totalUsedInodes += usedInodeCount;
        }

        WriteZeros((long)(diskSize - bitmapOffset - bitmapSize) * BlockSize);

        _sink.Write((long)1 * BlockSize, gds);

        var blk = new byte[BlockSize];
        var sb = blk.AsSpan(SuperBlockOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(sb, inodesPerGroup * groups);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x04..], diskSize);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x0C..], BlocksPerGroup * groups - totalUsedBlocks);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x10..], inodesPerGroup * groups - totalUsedInodes);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x18..], LogBlockSizeOf4096);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x1C..], LogBlockSizeOf4096);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x20..], BlocksPerGroup);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x24..], BlocksPerGroup);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x28..], inodesPerGroup);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[0x38..], SuperBlockMagic);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[0x3A..], StateCleanlyUnmounted);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[0x3C..], ErrorsContinue);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x4C..], RevisionDynamic);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x54..], InodeFirst);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[0x58..], InodeSize);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x5C..], CompatSparseSuper2 | CompatExtAttr);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x60..], IncompatFiletype | IncompatExtents | IncompatFlexBg);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x64..], RoCompatLargeFile | RoCompatHugeFile | RoCompatExtraIsize | RoCompatReadonly);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[0x15C..], ExtraIsize);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[0x15E..], ExtraIsize);
        sb[0x174] = LogGroupsPerFlex;
        BinaryPrimitives.WriteUInt32LittleEndian(sb[0x268..], InodeLostAndFound);
        _sink.Write(0, blk);
        _sink.Complete((long)diskSize * BlockSize);
    }

    /// <summary>The extended attributes of one inode as they are placed: in the inode while they fit, then in a block.</summary>
    private sealed class XattrState
    {
        private int _inodeLeft = InodeExtraSize - XattrInodeOverhead;
        private int _blockLeft = BlockSize - XattrBlockOverhead;

        public List<Ext4Xattr> Inode { get; } = [];
        public List<Ext4Xattr> Block { get; } = [];

        public bool Add(string name, byte[] value)
        {
            var x = Ext4Xattr.Compress(name, value);
            int length = x.EntryLength + x.ValueLength;
            if (_inodeLeft >= length)
            {
                Inode.Add(x);
                _inodeLeft -= length;
            }
            else if (_blockLeft >= length)
            {
                Block.Add(x);
                _blockLeft -= length;
            }
            else
            {
                return false;
            }
            return true;
        }
    }
}
