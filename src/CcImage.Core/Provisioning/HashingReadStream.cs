// A read-only stream over another that hashes (SHA-256) every byte read through it, so one pass over a large input both
// reads its content and fingerprints the file.
using System.Security.Cryptography;

namespace CcImage.Core.Provisioning;

internal sealed class HashingReadStream(Stream inner) : Stream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>The SHA-256 of everything read so far (lower-case hex); call after reading to the end.</summary>
    public string Sha256Hex => Convert.ToHexString(_hash.GetCurrentHash()).ToLowerInvariant();

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        _hash.AppendData(buffer[..n]);
        return n;
    }

    /// <summary>Reads what is left, so the hash covers the whole input.</summary>
    public void Drain()
    {
        var buffer = new byte[1 << 20];
        while (Read(buffer) > 0)
        {
        }
    }

    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            inner.Dispose();
        }
        base.Dispose(disposing);
    }
}
