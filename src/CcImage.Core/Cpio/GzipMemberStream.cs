// A write-only stream producing one gzip member with a fixed header (no file name, MTIME 0, XFL 0, OS 3 = Unix), so
// the bytes do not depend on the machine or the time, a raw deflate body and the CRC-32/ISIZE trailer on dispose.
// (GZipStream's header carries the OS byte of the platform zlib was built for.)
// Spec: RFC 1952 sections 2.3 (member format) and 2.3.1 (fields).
using System.IO.Hashing;
using System.Buffers.Binary;
using System.IO.Compression;

namespace CcImage.Core.Cpio;

public sealed class GzipMemberStream : Stream
{
    private const byte Id1 = 0x1f;
    private const byte Id2 = 0x8b;
    private const byte CompressionMethodDeflate = 8;
    private const byte NoFlags = 0;
    private const byte NoExtraFlags = 0;
    private const byte OperatingSystemUnix = 3;

    private readonly Stream _output;
    private readonly DeflateStream _deflate;
    private readonly Crc32 _crc = new();
    private uint _inputSize;
    private bool _finished;

    public GzipMemberStream(Stream output, CompressionLevel level = CompressionLevel.SmallestSize)
    {
        _output = output;
        Span<byte> header = [Id1, Id2, CompressionMethodDeflate, NoFlags, 0, 0, 0, 0, NoExtraFlags, OperatingSystemUnix];
        _output.Write(header);
        _deflate = new DeflateStream(output, level, leaveOpen: true);
    }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _crc.Append(buffer);
        _inputSize = unchecked(_inputSize + (uint)buffer.Length);
        _deflate.Write(buffer);
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Ends the deflate body and writes CRC32 and ISIZE (input size modulo 2^32), little-endian.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && !_finished)
        {
            _finished = true;
            _deflate.Dispose();
            Span<byte> trailer = stackalloc byte[8];
            BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc.GetCurrentHashAsUInt32());
            BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], _inputSize);
            _output.Write(trailer);
        }
        base.Dispose(disposing);
    }
}
