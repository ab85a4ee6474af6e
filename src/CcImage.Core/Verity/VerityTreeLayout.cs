// Where each level of a dm-verity hash tree lives on the hash device, computed as cryptsetup's hash_levels() and
// VERITY_hash_offset_block() do. Level 0 holds the digests of the data blocks; the highest level is a single block whose
// digest is the root hash. Levels are stored top level first, after the superblock's block.
// Spec: cryptsetup lib/verity/verity_hash.c (hash_levels, create_or_verify), lib/verity/verity.c (VERITY_hash_offset_block).
using System.Numerics;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Verity;

public sealed class VerityTreeLayout
{
    /// <summary>Size of the on-disk superblock (struct verity_sb).</summary>
    public const int SuperblockSize = 512;
    private const int MaxLevels = 63;

    private VerityTreeLayout(VerityParameters parameters, long dataBlocks)
    {
        Parameters = parameters;
        Algorithm = parameters.Algorithm;
        DataBlocks = dataBlocks;
        DigestSize = Algorithm.DigestSize;
        SlotSize = Algorithm.SlotSize(parameters.HashType);
        HashesPerBlockBits = BitOperations.Log2((uint)(parameters.HashBlockSize / DigestSize));
        HashesPerBlock = 1 << HashesPerBlockBits;

        long offset = parameters.HashOffset;
        if (!parameters.NoSuperblock)
            offset += SuperblockSize + parameters.HashBlockSize - 1;
        HashStartBlock = offset / parameters.HashBlockSize;

        int levels = 0;
        while (HashesPerBlockBits * levels < 64 && ((ulong)(dataBlocks - 1) >> (HashesPerBlockBits * levels)) != 0)
            levels++;
        if (levels > MaxLevels)
            throw Diag.Error(nameof(Strings.VerityTooLarge));
        LevelStartBlock = new long[levels];
        LevelBlockCount = new long[levels];
        long position = HashStartBlock;
        for (int i = levels - 1; i >= 0; i--)
        {
            LevelStartBlock[i] = position;
            int shift = (i + 1) * HashesPerBlockBits;
            if (shift > 63) throw Diag.Error(nameof(Strings.VerityTooLarge));
            long size = (long)(((UInt128)(ulong)dataBlocks + ((UInt128)1 << shift) - 1) >> shift);
            LevelBlockCount[i] = size;
            position = checked(position + size);
        }
        HashEndBlock = position;
        HashBlocks = HashEndBlock - HashStartBlock;
        _ = checked(HashEndBlock * parameters.HashBlockSize);
        _ = checked(dataBlocks * parameters.DataBlockSize);
    }

    public VerityParameters Parameters { get; }
    public VerityHashAlgorithm Algorithm { get; }
    public long DataBlocks { get; }
    public int DigestSize { get; }
    /// <summary>Bytes one digest occupies in a hash block (digest_size_full for format 1, digest_size for format 0).</summary>
    public int SlotSize { get; }
    public int HashesPerBlockBits { get; }
    /// <summary>Digests per hash block: the largest power of two that fits hash_block_size / digest_size.</summary>
    public int HashesPerBlock { get; }
    /// <summary>The first tree block, in hash-block units from the start of the hash file.</summary>
    public long HashStartBlock { get; }
    /// <summary>One past the last tree block, in hash-block units.</summary>
    public long HashEndBlock { get; }
    /// <summary>Number of tree blocks (veritysetup's "Hash blocks").</summary>
    public long HashBlocks { get; }
    /// <summary>Number of levels; 0 when there is a single data block (its digest is the root hash).</summary>
    public int Levels => LevelStartBlock.Length;
    /// <summary>hash_level_block: first block (hash-block units, absolute) of each level; index 0 is the lowest level.</summary>
    public long[] LevelStartBlock { get; }
    /// <summary>hash_level_size: blocks in each level.</summary>
    public long[] LevelBlockCount { get; }

    /// <summary>Byte offset in the hash file where the tree ends.</summary>
    public long HashEndOffset => HashEndBlock * Parameters.HashBlockSize;

    /// <summary>Byte length of the data area.</summary>
    public long DataLength => DataBlocks * Parameters.DataBlockSize;

    /// <summary>veritysetup's "Hash device size": superblock block plus tree, counted from the start of the hash file.</summary>
    public long HashDeviceSize => HashEndOffset;

    /// <summary>The layout for <paramref name="dataBlocks"/> data blocks (at least one).</summary>
    public static VerityTreeLayout Compute(VerityParameters parameters, long dataBlocks)
    {
        if (dataBlocks <= 0)
            throw Diag.Error(nameof(Strings.VerityNoDataBlocks), parameters.DataBlockSize);
        try
        {
            return new VerityTreeLayout(parameters, dataBlocks);
        }
        catch (OverflowException)
        {
            throw Diag.Error(nameof(Strings.VerityTooLarge));
        }
    }
}
