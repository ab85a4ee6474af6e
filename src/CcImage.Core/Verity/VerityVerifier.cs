// Verifies a data device against a dm-verity hash tree and a root hash, top level first as the kernel trusts it: the
// top block against the root hash, then each level's blocks against the digests stored in the level above, then the
// data blocks. The first mismatch names the block (the highest one that is wrong), so a single flipped bit is located.
// Spec: kernel Documentation/admin-guide/device-mapper/verity.rst ("Hash tree"); cryptsetup lib/verity/verity_hash.c
// (VERITY_verify), lib/verity/verity.c (VERITY_read_sb).
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Verity;

public static class VerityVerifier
{
    /// <summary>Reads the superblock at <paramref name="hashOffset"/> of <paramref name="hashPath"/> and returns its parameters.</summary>
    public static VerityParameters ReadSuperblock(string hashPath, long hashOffset)
    {
        if (hashOffset < 0 || hashOffset % VerityParameters.OffsetAlignment != 0)
            throw Diag.Error(nameof(Strings.VerityBadHashOffset), hashOffset);
        using var hash = VerityFiles.OpenExisting(hashPath, "the verity hash device", writable: false);
        long length = VerityFiles.Length(hash);
        if (hashOffset > length - VerityTreeLayout.SuperblockSize)
            throw Diag.Error(nameof(Strings.VerityHashOffsetPastEnd), hashOffset, hashPath, length);
        byte[] block = new byte[VerityTreeLayout.SuperblockSize];
        int read = RandomAccess.Read(hash, block, hashOffset);
        if (read < block.Length)
            throw Diag.Error(nameof(Strings.VerityNoSuperblock), hashOffset);
        return VeritySuperblock.Read(block, hashOffset).ToParameters(hashOffset);
    }

    /// <summary>Parses a root hash given as hex; CCIMG2214 when it is not <paramref name="algorithm"/>'s digest size.</summary>
    public static byte[] ParseRootHash(string text, VerityHashAlgorithm algorithm)
    {
        string trimmed = text.Trim();
        if (trimmed.Length != algorithm.DigestSize * 2)
            throw Diag.Error(nameof(Strings.VerityBadRootHash), text, algorithm.Name, algorithm.DigestSize * 2);
        try
        {
            return Convert.FromHexString(trimmed);
        }
        catch (FormatException)
        {
            throw Diag.Error(nameof(Strings.VerityBadRootHash), text, algorithm.Name, algorithm.DigestSize * 2);
        }
    }

    /// <summary>Checks every data and hash block of the device described by <paramref name="parameters"/>.</summary>
    public static VerityVerifyResult Verify(string dataPath, string hashPath, VerityParameters parameters, byte[] rootHash,
        int workers = 0, CancellationToken cancellationToken = default)
    {
        if (parameters.NoSuperblock)
            parameters.Validate();
        var algorithm = parameters.Algorithm;
        if (rootHash.Length != algorithm.DigestSize)
            throw Diag.Error(nameof(Strings.VerityBadRootHash), Convert.ToHexString(rootHash), algorithm.Name, algorithm.DigestSize * 2);

        using var data = VerityFiles.OpenExisting(dataPath, "the verity data device", writable: false);
        using var hash = VerityFiles.OpenExisting(hashPath, "the verity hash device", writable: false);
        long dataLength = VerityFiles.Length(data);
        long dataBlocks = parameters.DataBlocks != 0 ? parameters.DataBlocks : dataLength / parameters.DataBlockSize;
        var layout = VerityTreeLayout.Compute(parameters, dataBlocks);
        var p = parameters with { DataBlocks = dataBlocks };
        if (dataLength < layout.DataLength)
            throw Diag.Error(nameof(Strings.VerityDataTooSmall), dataPath, dataLength, dataBlocks, p.DataBlockSize);
        long hashLength = VerityFiles.Length(hash);
        if (layout.Levels > 0 && hashLength < layout.HashEndOffset)
            throw Diag.Error(nameof(Strings.VerityHashAreaTooSmall), hashPath, hashLength, layout.HashEndOffset);

        using var hasher = new VerityLevelHasher(algorithm, p.Salt, p.HashType, workers);
        int top = layout.Levels - 1;

        // The top block (or the only data block) against the root hash.
        bool rootMatches = false;
        VerityLevelHasher.DigestSink compareRoot = (digests, _, _) =>
        {
            rootMatches = digests[..rootHash.Length].SequenceEqual(rootHash);
            return true;
        };
        if (layout.Levels == 0)
        {
            hasher.HashBlocks(data, dataPath, 0, p.DataBlockSize, 1, compareRoot, cancellationToken);
            return new VerityVerifyResult(p, layout, rootMatches ? null : new VerityCorruption(true, 0, -1, 0));
        }
        long topBlock = layout.LevelStartBlock[top];
        hasher.HashBlocks(hash, hashPath, topBlock * p.HashBlockSize, p.HashBlockSize, 1, compareRoot, cancellationToken);
        if (!rootMatches)
            return new VerityVerifyResult(p, layout, new VerityCorruption(false, topBlock, top, topBlock * p.HashBlockSize));

        // Each level's children against the digests it stores, from the top down to the data.
        for (int level = top; level >= 0; level--)
        {
            var stored = new VerityHashLevelReader(hash, hashPath, layout, level);
            long mismatch = -1;
            VerityLevelHasher.DigestSink compare = (digests, first, count) =>
            {
                int size = layout.DigestSize;
                for (int i = 0; i < count; i++)
                {
                    if (!digests.Slice(i * size, size).SequenceEqual(stored.Next()))
                    {
                        mismatch = first + i;
                        return false;
                    }
                }
                return true;
            };
            if (level == 0)
            {
                hasher.HashBlocks(data, dataPath, 0, p.DataBlockSize, dataBlocks, compare, cancellationToken);
                if (mismatch >= 0)
                    return new VerityVerifyResult(p, layout, new VerityCorruption(true, mismatch, -1, mismatch * p.DataBlockSize));
            }
            else
            {
                long childStart = layout.LevelStartBlock[level - 1];
                hasher.HashBlocks(hash, hashPath, childStart * p.HashBlockSize, p.HashBlockSize,
                    layout.LevelBlockCount[level - 1], compare, cancellationToken);
                if (mismatch >= 0)
                {
                    long block = childStart + mismatch;
                    return new VerityVerifyResult(p, layout, new VerityCorruption(false, block, level - 1, block * p.HashBlockSize));
                }
            }
        }
        return new VerityVerifyResult(p, layout, null);
    }
}
