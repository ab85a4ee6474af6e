// The first block found not to match its hash during verification: a data block, or a hash block of a tree level.
namespace CcImage.Core.Verity;

/// <param name="InData">True for a data block, false for a hash block.</param>
/// <param name="Block">The data block number, or the hash block number counted in hash blocks from the start of the hash file.</param>
/// <param name="Level">The tree level of a hash block (0 = the level holding the data digests); -1 for a data block.</param>
/// <param name="ByteOffset">Where the block starts in its file.</param>
public sealed record VerityCorruption(bool InData, long Block, int Level, long ByteOffset)
{
    public override string ToString() => InData
        ? $"data block {Block} (byte offset {ByteOffset})"
        : $"hash block {Block} at tree level {Level} (byte offset {ByteOffset})";
}
