// An IBlockDevice over bytes in memory, for the GPT and MBR targets (no file per input).
using CcImage.Core.Disk;

namespace CcImage.Fuzz.Targets;

internal sealed class MemoryBlockDevice(byte[] initial) : IBlockDevice
{
    private byte[] _bytes = (byte[])initial.Clone();

    public long Length => _bytes.LongLength;

    public byte[] Bytes => _bytes;

    public void SetLength(long length) => Array.Resize(ref _bytes, (int)length);

    public void ReadAt(long offset, Span<byte> buffer)
    {
        buffer.Clear();
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        if (offset < _bytes.Length)
            _bytes.AsSpan((int)offset, (int)Math.Min(buffer.Length, _bytes.Length - offset)).CopyTo(buffer);
    }

    public void WriteAt(long offset, ReadOnlySpan<byte> data)
    {
        if (offset < 0 || offset > _bytes.Length - data.Length)
            throw new ArgumentOutOfRangeException(nameof(offset), $"write of {data.Length} bytes at {offset} past the {_bytes.Length}-byte device");
        data.CopyTo(_bytes.AsSpan((int)offset));
    }

    public void Flush() { }

    public void Dispose() { }
}
