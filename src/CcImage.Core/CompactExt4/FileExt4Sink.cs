// Writes a compact ext4 image to a file, buffering the in-order writes.
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.CompactExt4;

internal sealed class FileExt4Sink(SafeFileHandle file) : IExt4Sink
{
    private const int BufferSize = 1 << 20;
    private readonly byte[] _buffer = new byte[BufferSize];
    private long _bufferStart;
    private int _buffered;

    public void Write(long position, ReadOnlySpan<byte> data)
    {
        if (_buffered > 0 && position != _bufferStart + _buffered)
            Flush();
        if (_buffered == 0)
            _bufferStart = position;
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, BufferSize - _buffered);
            data[..n].CopyTo(_buffer.AsSpan(_buffered));
            _buffered += n;
            data = data[n..];
            if (_buffered == BufferSize)
            {
                long next = _bufferStart + _buffered;
                Flush();
                _bufferStart = next;
            }
        }
    }

    public void WriteZeros(long position, long count)
    {
        // Zeros are written as zeros (not holes): the image is read back whole by tests and tools.
        Span<byte> zeros = stackalloc byte[CompactExt4Layout.BlockSize];
        zeros.Clear();
        while (count > 0)
        {
            int n = (int)Math.Min(count, zeros.Length);
            Write(position, zeros[..n]);
            position += n;
            count -= n;
        }
    }

    public void Complete(long length)
    {
        Flush();
        RandomAccess.SetLength(file, length);
    }

    private void Flush()
    {
        if (_buffered == 0)
            return;
        RandomAccess.Write(file, _buffer.AsSpan(0, _buffered), _bufferStart);
        _buffered = 0;
    }
}
