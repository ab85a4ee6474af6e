// Writes a dm-verity hash device exactly as `veritysetup format` does: the tree levels from the data level up (each
// level read back from the hash file to hash the next), then the superblock. A separate hash file is written to a
// temporary file beside it (starting from a copy of any existing file, whose other bytes veritysetup also keeps) and
// renamed into place; a hash area inside the data file, or on a device, is written in place.
// Spec: cryptsetup lib/verity/verity_hash.c (VERITY_create_or_verify_hash), lib/setup.c (_crypt_format_verity),
// lib/verity/verity.c (VERITY_write_sb), src/veritysetup.c (action_format).
using System.Security.Cryptography;
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

    /// <summary>Builds the hash tree of <paramref name="dataPath"/> into <paramref name="hashPath"/> (which may be the same file).</summary>
    public static VerityFormatResult Format(string dataPath, string hashPath, VerityParameters parameters,
        int workers = 0, CancellationToken cancellationToken = default)
    {
        parameters.Validate();
        bool sameFile = VerityFiles.AreSameFile(dataPath, hashPath);
        using var data = VerityFiles.OpenExisting(dataPath, "the verity data device", writable: sameFile);
        long dataLength = VerityFiles.Length(data);
        long dataBlocks = parameters.DataBlocks != 0 ? parameters.DataBlocks : dataLength / parameters.DataBlockSize;
        if (dataBlocks == 0)
            throw Diag.Error("VerityNoDataBlocks", parameters.DataBlockSize);
        if (sameFile && (UInt128)(ulong)dataBlocks * (ulong)parameters.DataBlockSize > (ulong)parameters.HashOffset)
            throw Diag.Error("VerityOverlap", dataBlocks, parameters.DataBlockSize, parameters.HashOffset);
        var layout = VerityTreeLayout.Compute(parameters, dataBlocks);
        if (dataLength < layout.DataLength)
            throw Diag.Error("VerityDataTooSmall", dataPath, dataLength, dataBlocks, parameters.DataBlockSize);
        var resolved = parameters with { DataBlocks = dataBlocks };

        if (sameFile)
        {
            byte[] root = WriteHashArea(data, dataPath, data, dataPath, layout, workers, cancellationToken);
            return new VerityFormatResult(resolved, layout, root);
        }
        if (VerityFiles.IsDevice(hashPath))
        {
            using var device = File.OpenHandle(hashPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
            byte[] root = WriteHashArea(data, dataPath, device, hashPath, layout, workers, cancellationToken);
            return new VerityFormatResult(resolved, layout, root);
        }

        string temp = TempPathBeside(hashPath);
        try
        {
            if (File.Exists(hashPath))
                File.Copy(hashPath, temp);
            byte[] root;
            using (var hash = File.OpenHandle(temp, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read))
                root = WriteHashArea(data, dataPath, hash, hashPath, layout, workers, cancellationToken);
            File.Move(temp, hashPath, overwrite: true);
            return new VerityFormatResult(resolved, layout, root);
        }
        finally
        {
            if (File.Exists(temp))
                File.Delete(temp);
        }
    }

    private static byte[] WriteHashArea(SafeFileHandle data, string dataName, SafeFileHandle hash, string hashName,
        VerityTreeLayout layout, int workers, CancellationToken cancellationToken)
    {
        var p = layout.Parameters;
        var algorithm = layout.Algorithm;
        using var hasher = new VerityLevelHasher(algorithm, p.Salt, p.HashType, workers);
        byte[] root = new byte[algorithm.DigestSize];

        for (int level = 0; level < layout.Levels; level++)
        {
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

        if (!p.NoSuperblock)
            WriteSuperblock(hash, hashName, layout);
        return root;
    }

    private static void WriteSuperblock(SafeFileHandle hash, string hashName, VerityTreeLayout layout)
    {
        var p = layout.Parameters;
        byte[] block = new byte[VerityTreeLayout.SuperblockSize];
        VeritySuperblock.From(p, layout.DataBlocks).WriteTo(block);
        RandomAccess.Write(hash, block, p.HashOffset);
        int unit = Math.Min(SuperblockWriteUnit, p.HashBlockSize);
        long end = (p.HashOffset + VerityTreeLayout.SuperblockSize + unit - 1) / unit * unit;
        if (!VerityFiles.IsDevice(hashName) && RandomAccess.GetLength(hash) < end)
            RandomAccess.SetLength(hash, end);
    }

    private static string TempPathBeside(string path) =>
        Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!,
            Path.GetFileName(path) + ".tmp-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)).ToLowerInvariant());
}
