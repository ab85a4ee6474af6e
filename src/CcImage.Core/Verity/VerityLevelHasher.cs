// Hashes a run of equal-sized blocks read from a file, on all cores, in bounded memory: each round, every worker reads
// its own large chunk with positional reads and hashes its blocks into its own digest buffer; the digests are then
// handed to the caller in block order. Memory is (chunk + digests) per worker, whatever the device size.
using CcImage.Core.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Verity;

internal sealed class VerityLevelHasher : IDisposable
{
    /// <summary>Bytes each worker reads per round.</summary>
    public const int DefaultChunkBytes = 4 << 20;

    /// <summary>Receives <paramref name="count"/> digests (packed, digest-size each) of blocks starting at <paramref name="firstBlock"/>; returns false to stop.</summary>
    public delegate bool DigestSink(ReadOnlySpan<byte> digests, long firstBlock, int count);

    private readonly VerityHashAlgorithm _algorithm;
    private readonly Worker[] _workers;
    private readonly int _chunkBytes;

    public VerityLevelHasher(VerityHashAlgorithm algorithm, byte[] salt, int hashType, int workers = 0,
        int chunkBytes = DefaultChunkBytes)
    {
        _algorithm = algorithm;
        _chunkBytes = chunkBytes;
        int count = workers > 0 ? workers : Environment.ProcessorCount;
        _workers = new Worker[count];
        for (int i = 0; i < count; i++)
            _workers[i] = new Worker(new VerityBlockHasher(algorithm, salt, hashType));
    }

    /// <summary>
    /// Hashes <paramref name="blockCount"/> blocks of <paramref name="blockSize"/> bytes starting at byte
    /// <paramref name="offset"/> of <paramref name="file"/>, passing the digests in block order to <paramref name="sink"/>.
    /// Returns false when the sink stopped early.
    /// </summary>
    public bool HashBlocks(SafeFileHandle file, string fileName, long offset, int blockSize, long blockCount,
        DigestSink sink, CancellationToken cancellationToken)
    {
        int digestSize = _algorithm.DigestSize;
        int blocksPerChunk = Math.Max(1, _chunkBytes / blockSize);
        foreach (var worker in _workers)
            worker.Ensure(blocksPerChunk * blockSize, blocksPerChunk * digestSize);

        long next = 0;
        while (next < blockCount)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int active = 0;
            for (int w = 0; w < _workers.Length && next < blockCount; w++, active++)
            {
                int n = (int)Math.Min(blocksPerChunk, blockCount - next);
                _workers[w].Assign(next, n);
                next += n;
            }

            if (active == 1)
                _workers[0].Run(file, fileName, offset, blockSize, digestSize);
            else
                Parallel.For(0, active, new ParallelOptions { MaxDegreeOfParallelism = active },
                    w => _workers[w].Run(file, fileName, offset, blockSize, digestSize));

            for (int w = 0; w < active; w++)
            {
                var worker = _workers[w];
                worker.Failure?.Throw();
                if (!sink(worker.Digests.AsSpan(0, worker.Count * digestSize), worker.First, worker.Count))
                    return false;
            }
        }
        return true;
    }

    public void Dispose()
    {
        foreach (var worker in _workers)
            worker.Hasher.Dispose();
    }

    private sealed class Worker(VerityBlockHasher hasher)
    {
        public VerityBlockHasher Hasher { get; } = hasher;
        public byte[] Buffer { get; private set; } = [];
        public byte[] Digests { get; private set; } = [];
        public long First { get; private set; }
        public int Count { get; private set; }
        public System.Runtime.ExceptionServices.ExceptionDispatchInfo? Failure { get; private set; }

        public void Ensure(int bufferBytes, int digestBytes)
        {
            if (Buffer.Length < bufferBytes) Buffer = GC.AllocateUninitializedArray<byte>(bufferBytes);
            if (Digests.Length < digestBytes) Digests = GC.AllocateUninitializedArray<byte>(digestBytes);
        }

        public void Assign(long first, int count)
        {
            First = first;
            Count = count;
            Failure = null;
        }

        public void Run(SafeFileHandle file, string fileName, long offset, int blockSize, int digestSize)
        {
            try
            {
                var data = Buffer.AsSpan(0, Count * blockSize);
                long position = offset + First * blockSize;
                int done = 0;
                while (done < data.Length)
                {
                    int n = RandomAccess.Read(file, data[done..], position + done);
                    if (n == 0)
                        throw Diag.Error("VerityFileTooShort", fileName, position + data.Length);
                    done += n;
                }
                for (int i = 0; i < Count; i++)
                    Hasher.Hash(data.Slice(i * blockSize, blockSize), Digests.AsSpan(i * digestSize, digestSize));
            }
            catch (Exception e)
            {
                Failure = System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e);
            }
        }
    }
}
