// Reads a file the way glibc's fread on a fully buffered FILE does (_IO_file_xsgetn): a request at least one buffer
// long is read directly (whole buffers' worth), a smaller one is served from a buffer refilled one buffer at a time.
// Used only where veritysetup reads a data area that its own buffered writes overlap, so the bytes it hashes depend on
// when its buffers reach the file (see VerityOverlapFormatter).
using CcImage.Core.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Verity;

internal sealed class StdioReadEmulation(SafeFileHandle file, string fileName, int bufferSize)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private long _filePosition;
    private int _bufferStart;
    private int _bufferEnd;

    /// <summary>fread(destination, destination.Length, 1, file).</summary>
    public void Read(Span<byte> destination)
    {
        int done = 0;
        while (done < destination.Length)
        {
            int have = _bufferEnd - _bufferStart;
            int want = destination.Length - done;
            if (want <= have)
            {
                _buffer.AsSpan(_bufferStart, want).CopyTo(destination[done..]);
                _bufferStart += want;
                return;
            }
            _buffer.AsSpan(_bufferStart, have).CopyTo(destination[done..]);
            done += have;
            want -= have;
            _bufferStart = _bufferEnd = 0;
            if (want < bufferSize)
            {
                int n = RandomAccess.Read(file, _buffer, _filePosition);
                if (n == 0)
                    throw Diagnostics.Diag.Error(nameof(Strings.VerityFileTooShort), fileName, _filePosition + want);
                _filePosition += n;
                _bufferEnd = n;
                continue;
            }
            int direct = want - want % bufferSize;
            VerityFiles.ReadExactly(file, fileName, destination.Slice(done, direct), _filePosition);
            _filePosition += direct;
            done += direct;
        }
    }
}
