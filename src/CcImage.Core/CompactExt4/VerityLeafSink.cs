// Keeps, instead of the image, the dm-verity hash of each 4096-byte block of it (sha256 over a 32-byte zero salt and
// the block, as hcsshim's dmverity.MerkleTree hashes data blocks). Blocks the writer rewrites are always whole and
// aligned, so a rewrite just replaces that block's hash. Runs of whole blocks are hashed on all cores.
using System.Security.Cryptography;

namespace CcImage.Core.CompactExt4;

internal sealed class VerityLeafSink : IExt4Sink
{
    public const int HashSize = 32;
    private const int BlockSize = CompactExt4Layout.BlockSize;
    private const int ParallelBatchBlocks = 64;

    private static readonly byte[] ZeroBlockHash = HashBlock(new byte[BlockSize]);

    private byte[] _hashes = new byte[HashSize * 1024];
    private readonly byte[] _partial = new byte[BlockSize];
    private long _partialBlock = -1;
    private int _partialFilled;

    /// <summary>Number of blocks in the finished image.</summary>
    public long BlockCount { get; private set; }

    /// <summary>The hash of each block, in block order (valid after <see cref="Complete"/>).</summary>
    public ReadOnlySpan<byte> LeafHashes => _hashes.AsSpan(0, checked((int)(BlockCount * HashSize)));

    public static byte[] HashBlock(ReadOnlySpan<byte> block)
    {
        Span<byte> salted = stackalloc byte[HashSize + BlockSize];
        salted[..HashSize].Clear();
        block.CopyTo(salted[HashSize..]);
        return SHA256.HashData(salted);
    }

    public void Write(long position, ReadOnlySpan<byte> data)
    {
        while (!data.IsEmpty)
        {
            long block = position / BlockSize;
            int offset = (int)(position % BlockSize);
            if (offset == 0 && data.Length >= BlockSize && _partialBlock != block)
            {
                int whole = data.Length / BlockSize;
                HashWholeBlocks(block, data[..(whole * BlockSize)]);
                position += (long)whole * BlockSize;
                data = data[(whole * BlockSize)..];
                continue;
            }
            if (_partialBlock != block)
            {
                if (offset != 0)
                    throw new InvalidOperationException($"unaligned write at {position}");
                _partialBlock = block;
                _partialFilled = 0;
            }
            if (offset != _partialFilled)
                throw new InvalidOperationException($"out-of-order write at {position}");
            int n = Math.Min(data.Length, BlockSize - offset);
            data[..n].CopyTo(_partial.AsSpan(offset));
            _partialFilled += n;
            position += n;
            data = data[n..];
            if (_partialFilled == BlockSize)
            {
                SetHash(block, HashBlock(_partial));
                _partialBlock = -1;
                _partialFilled = 0;
            }
        }
    }

    public void WriteZeros(long position, long count)
    {
        Span<byte> zeros = stackalloc byte[BlockSize];
        zeros.Clear();
        while (count > 0)
        {
            long block = position / BlockSize;
            int offset = (int)(position % BlockSize);
            if (offset == 0 && count >= BlockSize && _partialBlock != block)
            {
                long whole = count / BlockSize;
                EnsureCapacity(block + whole);
                for (long i = 0; i < whole; i++)
                    ZeroBlockHash.CopyTo(_hashes.AsSpan(checked((int)((block + i) * HashSize))));
                position += whole * BlockSize;
                count -= whole * BlockSize;
                continue;
            }
            int n = (int)Math.Min(count, BlockSize - offset);
            Write(position, zeros[..n]);
            position += n;
            count -= n;
        }
    }

    public void Complete(long length)
    {
        if (_partialBlock >= 0 || length % BlockSize != 0)
            throw new InvalidOperationException("the image does not end on a block boundary");
        BlockCount = length / BlockSize;
        EnsureCapacity(BlockCount);
    }

    private void HashWholeBlocks(long firstBlock, ReadOnlySpan<byte> data)
    {
        int count = data.Length / BlockSize;
        EnsureCapacity(firstBlock + count);
        if (count < ParallelBatchBlocks)
        {
            for (int i = 0; i < count; i++)
                SetHash(firstBlock + i, HashBlock(data.Slice(i * BlockSize, BlockSize)));
            return;
        }
        unsafe
        {
            fixed (byte* source = data)
            {
                nint address = (nint)source;
                byte[] hashes = _hashes;
                int workers = Environment.ProcessorCount;
                Parallel.For(0, workers, worker =>
                {
                    int from = (int)((long)count * worker / workers), to = (int)((long)count * (worker + 1) / workers);
                    var all = new ReadOnlySpan<byte>((void*)address, count * BlockSize);
                    Span<byte> salted = stackalloc byte[HashSize + BlockSize];
                    salted[..HashSize].Clear();
                    for (int i = from; i < to; i++)
                    {
                        all.Slice(i * BlockSize, BlockSize).CopyTo(salted[HashSize..]);
                        SHA256.HashData(salted, hashes.AsSpan(checked((int)((firstBlock + i) * HashSize)), HashSize));
                    }
                });
            }
        }
    }

    private void SetHash(long block, byte[] hash)
    {
        EnsureCapacity(block + 1);
        hash.CopyTo(_hashes.AsSpan(checked((int)(block * HashSize))));
    }

    private void EnsureCapacity(long blocks)
    {
        long needed = blocks * HashSize;
        if (needed <= _hashes.Length)
            return;
        long size = Math.Max(needed, (long)_hashes.Length * 2);
        Array.Resize(ref _hashes, checked((int)size));
    }
}
