// Reads the digests stored in one tree level back in order (slot by slot, block by block), for verification.
// Spec: cryptsetup lib/verity/verity_hash.c (create_or_verify, verify mode).
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Verity;

internal sealed class VerityHashLevelReader
{
    private const int TargetBufferBytes = 1 << 20;

    private readonly SafeFileHandle _file;
    private readonly string _fileName;
    private readonly int _blockSize;
    private readonly int _hashesPerBlock;
    private readonly int _slotSize;
    private readonly int _digestSize;
    private readonly long _levelEndOffset;
    private readonly byte[] _buffer;
    private long _nextReadOffset;
    private int _blocksInBuffer;
    private int _blockInBuffer;
    private int _slotInBlock;

    public VerityHashLevelReader(SafeFileHandle file, string fileName, VerityTreeLayout layout, int level)
    {
        _file = file;
        _fileName = fileName;
        _blockSize = layout.Parameters.HashBlockSize;
        _hashesPerBlock = layout.HashesPerBlock;
        _slotSize = layout.SlotSize;
        _digestSize = layout.DigestSize;
        _nextReadOffset = layout.LevelStartBlock[level] * _blockSize;
        _levelEndOffset = _nextReadOffset + layout.LevelBlockCount[level] * _blockSize;
        _buffer = new byte[Math.Max(1, TargetBufferBytes / _blockSize) * _blockSize];
    }

    /// <summary>The next stored digest of this level.</summary>
    public ReadOnlySpan<byte> Next()
    {
        if (_blockInBuffer == _blocksInBuffer)
            Fill();
        var digest = _buffer.AsSpan(_blockInBuffer * _blockSize + _slotInBlock * _slotSize, _digestSize);
        if (++_slotInBlock == _hashesPerBlock)
        {
            _slotInBlock = 0;
            _blockInBuffer++;
        }
        return digest;
    }

    private void Fill()
    {
        long remaining = _levelEndOffset - _nextReadOffset;
        int blocks = (int)Math.Min(_buffer.Length / _blockSize, remaining / _blockSize);
        if (blocks <= 0)
            throw new InvalidOperationException("Read past the end of a verity hash level.");
        VerityFiles.ReadExactly(_file, _fileName, _buffer.AsSpan(0, blocks * _blockSize), _nextReadOffset);
        _nextReadOffset += blocks * _blockSize;
        _blocksInBuffer = blocks;
        _blockInBuffer = 0;
    }
}
