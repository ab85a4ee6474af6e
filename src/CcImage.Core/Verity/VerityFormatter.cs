// Writes a dm-verity hash device exactly as `veritysetup format` does: the tree levels from the data level up (each
// level read back from the hash file to hash the next), then the superblock. A separate hash file is written to a
// temporary file beside it (starting from a copy of any existing file, whose other bytes veritysetup also keeps) and
// renamed into place; a hash area on a device is written in place; a hash area inside the data file is written in place
// under an undo journal (Caching/UndoJournal: the bytes it overwrites are saved first), so a failure, cancellation or
// kill leaves the file as it was.
// Spec: cryptsetup lib/verity/verity_hash.c (VERITY_create_or_verify_hash), lib/setup.c (_crypt_format_verity),
// lib/verity/verity.c (VERITY_write_sb), src/veritysetup.c (action_format).
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Verity;

public static class VerityFormatter
{
    /// <summary>
    /// veritysetup writes the superblock with read-modify-write in units of the file system block (4096 here), capped at
    /// the hash block size, so a file holding only the superblock grows to that unit.
    /// </summary>
    private const int SuperblockWriteUnit = 4096;

    /// <summary>Whether the hash area goes into the data file itself (DATA and HASH name one file).</summary>
    public static bool IsInPlace(string dataPath, string hashPath) => VerityFiles.AreSameFile(dataPath, hashPath);

    /// <summary>Whether <paramref name="path"/> is a block or character device (written in place, never replaced).</summary>
    public static bool IsDevice(string path) => VerityFiles.IsDevice(path);

    /// <summary>Builds the hash tree of <paramref name="dataPath"/> into <paramref name="hashPath"/> (which may be the same file).</summary>
    public static VerityFormatResult Format(string dataPath, string hashPath, VerityParameters parameters,
        int workers = 0, CancellationToken cancellationToken = default)
    {
        parameters.Validate();
        bool sameFile = VerityFiles.AreSameFile(dataPath, hashPath);
        if (sameFile)
            UndoJournal.RecoverInterrupted(dataPath);
        using var data = VerityFiles.OpenExisting(dataPath, "the verity data device", writable: sameFile);
        if (sameFile && !VerityFiles.IsDevice(dataPath))
        {
            using var journal = UndoJournal.Begin(dataPath, data);
            var inPlace = FormatInPlace(data, dataPath, parameters, journal, workers, cancellationToken);
            journal.Commit();
            return inPlace;
        }
        return FormatOpen(data, dataPath, hashPath, sameFile, parameters, workers, cancellationToken);
    }

    /// <summary>
    /// Appends the hash area to <paramref name="imagePath"/>: the image is padded with zeros to a whole number of blocks
    /// (so every byte is covered), the superblock and tree follow. All under one undo journal: on failure, cancellation
    /// or a kill the image gets its old length (and bytes) back. <see cref="VerityParameters.HashOffset"/> and
    /// <see cref="VerityParameters.DataBlocks"/> are computed.
    /// </summary>
    public static VerityFormatResult AppendToImage(string imagePath, VerityParameters parameters, int workers = 0,
        CancellationToken cancellationToken = default)
    {
        parameters.Validate();
        InputFile.Require(imagePath, "the image to append the verity hash area to");
        UndoJournal.RecoverInterrupted(imagePath);
        using var data = VerityFiles.OpenExisting(imagePath, "the image to append the verity hash area to", writable: true);
        using var journal = UndoJournal.Begin(imagePath, data);
        long length = RandomAccess.GetLength(data);
        int unit = Math.Max(parameters.DataBlockSize, parameters.HashBlockSize);
        long offset = (length + unit - 1) / unit * unit;
        if (offset != length)
            journal.SetLength(offset);
        var result = FormatInPlace(data, imagePath, parameters with { HashOffset = offset, DataBlocks = offset / parameters.DataBlockSize },
            journal, workers, cancellationToken);
        journal.Commit();
        return result;
    }

    /// <summary>A hash area inside the data file: the bytes the tree and superblock will cover are saved to the journal first.</summary>
    private static VerityFormatResult FormatInPlace(SafeFileHandle data, string dataPath, VerityParameters parameters,
        UndoJournal journal, int workers, CancellationToken cancellationToken)
    {
        long dataBlocks = parameters.DataBlocks != 0 ? parameters.DataBlocks : VerityFiles.Length(data) / parameters.DataBlockSize;
        if (dataBlocks > 0)
        {
            var layout = VerityTreeLayout.Compute(parameters, dataBlocks);
            int unit = Math.Min(SuperblockWriteUnit, parameters.HashBlockSize);
            long start = parameters.HashOffset - parameters.HashOffset % unit;
            if (layout.Levels > 0)
                start = Math.Min(start, layout.LevelStartBlock.Min() * parameters.HashBlockSize);
            long end = Math.Max(layout.HashEndOffset, parameters.HashOffset + VerityTreeLayout.SuperblockSize);
            if (start < end)
                journal.Save(start, end - start);
        }
        return FormatOpen(data, dataPath, dataPath, sameFile: true, parameters, workers, cancellationToken);
    }

    private static VerityFormatResult FormatOpen(SafeFileHandle data, string dataPath, string hashPath, bool sameFile,
        VerityParameters parameters, int workers, CancellationToken cancellationToken)
    {
        long dataLength = VerityFiles.Length(data);
        long dataBlocks = parameters.DataBlocks != 0 ? parameters.DataBlocks : dataLength / parameters.DataBlockSize;
        if (dataBlocks == 0)
            throw Diag.Error(nameof(Strings.VerityNoDataBlocks), parameters.DataBlockSize);
        if (sameFile && (UInt128)(ulong)dataBlocks * (ulong)parameters.DataBlockSize > (ulong)parameters.HashOffset)
            throw Diag.Error(nameof(Strings.VerityOverlap), dataBlocks, parameters.DataBlockSize, parameters.HashOffset);
        var layout = VerityTreeLayout.Compute(parameters, dataBlocks);
        if (dataLength < layout.DataLength)
            throw Diag.Error(nameof(Strings.VerityDataTooSmall), dataPath, dataLength, dataBlocks, parameters.DataBlockSize);
        var resolved = parameters with { DataBlocks = dataBlocks };
        try
        {
            return WriteTo(data, dataPath, hashPath, sameFile, layout, resolved, workers, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentOutOfRangeException || (e is IOException && e.HResult == FileTooLargeErrno))
        {
            // EFBIG: the hash area ends past the largest file the file system holds (16 TiB on ext4).
            throw Diag.Error(nameof(Strings.VerityHashAreaTooLarge), layout.HashEndOffset, hashPath);
        }
    }

    /// <summary>errno EFBIG (Linux asm-generic/errno-base.h), which .NET reports as the IOException's HResult.</summary>
    private const int FileTooLargeErrno = 27;

    private static VerityFormatResult WriteTo(SafeFileHandle data, string dataPath, string hashPath, bool sameFile,
        VerityTreeLayout layout, VerityParameters resolved, int workers, CancellationToken cancellationToken)
    {
        if (sameFile)
        {
            byte[] root = WriteHashArea(data, dataPath, data, dataPath, layout, workers, cancellationToken, sameFile: true);
            return new VerityFormatResult(resolved, layout, root);
        }
        if (VerityFiles.IsDevice(hashPath))
        {
            using var device = File.OpenHandle(hashPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            byte[] root = WriteHashArea(data, dataPath, device, hashPath, layout, workers, cancellationToken);
            return new VerityFormatResult(resolved, layout, root);
        }

        return AtomicFile.Write(hashPath, temp =>
        {
            if (File.Exists(hashPath))
                File.Copy(hashPath, temp); // veritysetup keeps the bytes of an existing file it does not write
            using var hash = File.OpenHandle(temp, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
            byte[] root = WriteHashArea(data, dataPath, hash, hashPath, layout, workers, cancellationToken);
            return new VerityFormatResult(resolved, layout, root);
        });
    }

    private static byte[] WriteHashArea(SafeFileHandle data, string dataName, SafeFileHandle hash, string hashName,
        VerityTreeLayout layout, int workers, CancellationToken cancellationToken, bool sameFile = false)
    {
        var p = layout.Parameters;
        var algorithm = layout.Algorithm;
        using var hasher = new VerityLevelHasher(algorithm, p.Salt, p.HashType, workers);
        byte[] root = new byte[algorithm.DigestSize];

        for (int level = 0; level < layout.Levels; level++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (level == 0 && sameFile && layout.LevelStartBlock[0] * p.HashBlockSize < layout.DataLength)
            {
                // Without a superblock the tree starts at hash_offset rounded down to a hash block, which can be inside
                // the data area: veritysetup then hashes data its own buffered writes have already overwritten.
                WriteOverlappingDataLevel(data, dataName, layout);
                continue;
            }
            var writer = new VerityHashLevelWriter(hash, layout.LevelStartBlock[level] * p.HashBlockSize, layout);
            if (level == 0)
                hasher.HashBlocks(data, dataName, 0, p.DataBlockSize, layout.DataBlocks, writer.Append, cancellationToken);
            else
                hasher.HashBlocks(hash, hashName, layout.LevelStartBlock[level - 1] * p.HashBlockSize, p.HashBlockSize,
                    layout.LevelBlockCount[level - 1], writer.Append, cancellationToken);
            writer.Finish();
        }

        VerityLevelHasher.DigestSink keepRoot = (digests, _, _) => { digests[..root.Length].CopyTo(root); return true; };
        if (layout.Levels == 0)
            hasher.HashBlocks(data, dataName, 0, p.DataBlockSize, 1, keepRoot, cancellationToken);
        else
            hasher.HashBlocks(hash, hashName, layout.LevelStartBlock[layout.Levels - 1] * p.HashBlockSize, p.HashBlockSize,
                1, keepRoot, cancellationToken);

        cancellationToken.ThrowIfCancellationRequested();
        if (!p.NoSuperblock)
            WriteSuperblock(hash, hashName, layout);
        return root;
    }

    /// <summary>glibc's BUFSIZ: the largest buffer a FILE gets (a smaller st_blksize gives a smaller one).</summary>
    private const int StdioMaxBuffer = 8192;

    /// <summary>
    /// The data level when it overlaps the data area, reproduced step by step as veritysetup's create_or_verify does it
    /// through two buffered FILEs on the same file: read a block, hash it, write the digest, its padding and the block's
    /// spare bytes, with the buffers' sizes and flush points of glibc. Sequential; only for this rare layout.
    /// </summary>
    private static void WriteOverlappingDataLevel(SafeFileHandle file, string fileName, VerityTreeLayout layout)
    {
        var p = layout.Parameters;
        uint blockSize = Cpio.UnixFileStatus.TryGet(fileName)?.BlockSize ?? 0;
        int bufferSize = blockSize is > 0 and < StdioMaxBuffer ? (int)blockSize : StdioMaxBuffer;
        var reader = new StdioReadEmulation(file, fileName, bufferSize);
        var writer = new StdioWriteEmulation(file, layout.LevelStartBlock[0] * p.HashBlockSize, bufferSize);
        using var hasher = new VerityBlockHasher(layout.Algorithm, p.Salt, p.HashType);
        byte[] block = new byte[p.DataBlockSize];
        byte[] digest = new byte[layout.DigestSize];
        byte[] zeros = new byte[p.HashBlockSize];
        long blocks = layout.DataBlocks;
        long hashBlocks = layout.LevelBlockCount[0];
        for (long h = 0; h < hashBlocks; h++)
        {
            int left = p.HashBlockSize;
            for (int i = 0; i < layout.HashesPerBlock && blocks > 0; i++, blocks--)
            {
                reader.Read(block);
                hasher.Hash(block, digest);
                writer.Write(digest);
                writer.Write(zeros.AsSpan(0, layout.SlotSize - layout.DigestSize));
                left -= layout.SlotSize;
            }
            writer.Write(zeros.AsSpan(0, left));
        }
        writer.Flush();
    }

    /// <summary>
    /// Writes the superblock as cryptsetup's write_lseek_blockwise does, in units of the file system block capped at the
    /// hash block size: the unit holding it is read, patched and written back (so a short file grows to whole units),
    /// and an offset inside a unit fails when the file does not yet reach the superblock's end — as veritysetup fails.
    /// </summary>
    private static void WriteSuperblock(SafeFileHandle hash, string hashName, VerityTreeLayout layout)
    {
        var p = layout.Parameters;
        byte[] superblock = new byte[VerityTreeLayout.SuperblockSize];
        VeritySuperblock.From(p, layout.DataBlocks).WriteTo(superblock);
        bool device = VerityFiles.IsDevice(hashName);
        int unit = Math.Min(SuperblockWriteUnit, p.HashBlockSize);
        long frontHang = p.HashOffset % unit;
        long length = RandomAccess.GetLength(hash);
        if (frontHang != 0 && !device
            && length - (p.HashOffset - frontHang) < frontHang + Math.Min(unit - frontHang, superblock.Length))
            throw Diag.Error(nameof(Strings.VeritySuperblockWriteFailed), p.HashOffset, hashName, unit);
        RandomAccess.Write(hash, superblock, p.HashOffset);
        long end = (p.HashOffset + VerityTreeLayout.SuperblockSize + unit - 1) / unit * unit;
        if (!device && length < end)
            RandomAccess.SetLength(hash, end);
    }
}
