// Lays digests out into the hash blocks of one tree level and writes them: each hash block holds hashes-per-block
// slots of slot size (the digest, then zero padding in format 1), the rest of the block is zero.
// Spec: cryptsetup lib/verity/verity_hash.c (create_or_verify: digest_size_full, left_bytes).
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Verity;

internal sealed class VerityHashLevelWriter
{
    private const int TargetBufferBytes = 1 << 20;

    private readonly SafeFileHandle _file;
    private readonly int _blockSize;
    private readonly int _hashesPerBlock;
    private readonly int _slotSize;
    private readonly int _digestSize;
    private readonly byte[] _buffer;
    private readonly int _blocksPerBuffer;
    private long _nextWriteOffset;
    private int _blockInBuffer;
    private int _slotInBlock;

    public VerityHashLevelWriter(SafeFileHandle file, long startOffset, VerityTreeLayout layout)
    {
        _file = file;
        _blockSize = layout.Parameters.HashBlockSize;
        _hashesPerBlock = layout.HashesPerBlock;
        _slotSize = layout.SlotSize;
        _digestSize = layout.DigestSize;
        _blocksPerBuffer = Math.Max(1, TargetBufferBytes / _blockSize);
        _buffer = new byte[_blocksPerBuffer * _blockSize];
        _nextWriteOffset = startOffset;
    }

    /// <summary>Blocks written so far.</summary>
    public long BlocksWritten { get; private set; }

    /// <summary>Adds <paramref name="count"/> packed digests in order.</summary>
    public bool Append(ReadOnlySpan<byte> digests, long firstBlock, int count)
    {
        for (int i = 0; i < count; i++)
        {
            digests.Slice(i * _digestSize, _digestSize)
                .CopyTo(_buffer.AsSpan(_blockInBuffer * _blockSize + _slotInBlock * _slotSize));
            if (++_slotInBlock == _hashesPerBlock)
            {
                _slotInBlock = 0;
                if (++_blockInBuffer == _blocksPerBuffer)
                    Flush();
            }
        }
        return true;
    }

    /// <summary>Writes the last, partly filled block (zero-padded) and anything still buffered.</summary>
    public void Finish()
    {
        if (_slotInBlock > 0)
        {
            _slotInBlock = 0;
            _blockInBuffer++;
        }
        Flush();
    }

    private void Flush()
    {
        if (_blockInBuffer == 0)
            return;
        int length = _blockInBuffer * _blockSize;
        RandomAccess.Write(_file, _buffer.AsSpan(0, length), _nextWriteOffset);
        _nextWriteOffset += length;
        BlocksWritten += _blockInBuffer;
        _buffer.AsSpan(0, length).Clear();
        _blockInBuffer = 0;
    }
}
