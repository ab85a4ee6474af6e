// Writes a file the way glibc's fwrite on a fully buffered FILE does (_IO_new_file_xsputn): bytes fill a buffer; when
// a write does not fit, the full buffer goes to the file, whole buffers' worth of the rest is written directly and the
// remainder is buffered. Used only where veritysetup's hash writes overlap the data it is still reading.
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Verity;

internal sealed class StdioWriteEmulation(SafeFileHandle file, long startOffset, int bufferSize)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private long _filePosition = startOffset;
    private int _buffered;
    private bool _bufferAllocated;

    /// <summary>fwrite(source, source.Length, 1, file).</summary>
    public void Write(ReadOnlySpan<byte> source)
    {
        if (source.IsEmpty)
            return;
        int space = _bufferAllocated ? bufferSize - _buffered : 0;
        int count = Math.Min(space, source.Length);
        source[..count].CopyTo(_buffer.AsSpan(_buffered));
        _buffered += count;
        var rest = source[count..];
        if (rest.IsEmpty)
            return;
        _bufferAllocated = true;
        Flush();
        int direct = rest.Length - rest.Length % bufferSize;
        if (direct > 0)
        {
            RandomAccess.Write(file, rest[..direct], _filePosition);
            _filePosition += direct;
        }
        rest[direct..].CopyTo(_buffer);
        _buffered = rest.Length - direct;
    }

    /// <summary>fflush: writes what is buffered.</summary>
    public void Flush()
    {
        if (_buffered == 0)
            return;
        RandomAccess.Write(file, _buffer.AsSpan(0, _buffered), _filePosition);
        _filePosition += _buffered;
        _buffered = 0;
    }
}
