// Hashes a run of equal-sized blocks read from a file on all cores, in bounded memory. The run is cut into large
// chunks; worker threads take the next chunk number as they become free (no barrier, so a slow core never holds the
// others back), read it with one positional read into one of a small ring of slots, and hash its blocks into the
// slot's digest buffer. The calling thread hands the digests to the sink in chunk order and frees the slot.
// Memory is (slots × chunk) whatever the device size.
using System.Runtime.ExceptionServices;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Verity;

internal sealed class VerityLevelHasher : IDisposable
{
    /// <summary>Bytes one chunk holds.</summary>
    public const int DefaultChunkBytes = 2 << 20;
    /// <summary>Chunks in flight per worker (one being hashed, one waiting for the sink).</summary>
    private const int SlotsPerWorker = 2;
    /// <summary>More workers than this gain little (reads become the limit) and only cost memory.</summary>
    private const int MaxWorkers = 8;

    /// <summary>Receives <paramref name="count"/> digests (packed) of blocks starting at <paramref name="firstBlock"/>; returns false to stop.</summary>
    public delegate bool DigestSink(ReadOnlySpan<byte> digests, long firstBlock, int count);

    private readonly VerityHashAlgorithm _algorithm;
    private readonly VerityBlockHasher[] _hashers;
    private readonly Slot[] _slots;
    private readonly int _chunkBytes;

    public VerityLevelHasher(VerityHashAlgorithm algorithm, byte[] salt, int hashType, int workers = 0,
        int chunkBytes = DefaultChunkBytes)
    {
        _algorithm = algorithm;
        _chunkBytes = chunkBytes;
        int count = workers > 0 ? workers : Math.Min(Environment.ProcessorCount, MaxWorkers);
        _hashers = new VerityBlockHasher[count];
        for (int i = 0; i < count; i++)
            _hashers[i] = new VerityBlockHasher(algorithm, salt, hashType);
        _slots = new Slot[count * SlotsPerWorker];
        for (int i = 0; i < _slots.Length; i++)
            _slots[i] = new Slot(i);
    }

    /// <summary>
    /// Hashes <paramref name="blockCount"/> blocks of <paramref name="blockSize"/> bytes starting at byte
    /// <paramref name="offset"/> of <paramref name="file"/>, passing the digests in block order to <paramref name="sink"/>.
    /// Returns false when the sink stopped early.
    /// </summary>
    public bool HashBlocks(SafeFileHandle file, string fileName, long offset, int blockSize, long blockCount,
        DigestSink sink, CancellationToken cancellationToken)
    {
        var job = new Job(this, file, fileName, offset, blockSize, blockCount);
        if (job.ChunkCount == 1)
        {
            // One chunk (a top block, a small level): no threads.
            job.Fill(_slots[0], 0, _hashers[0]);
            _slots[0].Failure?.Throw();
            return sink(_slots[0].DigestSpan(_algorithm.DigestSize), _slots[0].First, _slots[0].Count);
        }

        int threads = (int)Math.Min(_hashers.Length, job.ChunkCount);
        var workers = new Thread[threads];
        for (int w = 0; w < threads; w++)
        {
            var hasher = _hashers[w];
            workers[w] = new Thread(() => job.Work(hasher)) { IsBackground = true, Name = "verity-hash" };
            workers[w].Start();
        }

        bool completed = true;
        try
        {
            for (long chunk = 0; chunk < job.ChunkCount; chunk++)
            {
                // Checked per chunk too: WaitFilled only looks at the token while it waits, and hashing workers that
                // keep ahead never make it wait.
                cancellationToken.ThrowIfCancellationRequested();
                var slot = _slots[chunk % _slots.Length];
                slot.WaitFilled(chunk, cancellationToken);
                slot.Failure?.Throw();
                if (!sink(slot.DigestSpan(_algorithm.DigestSize), slot.First, slot.Count))
                {
                    completed = false;
                    break;
                }
                slot.Release(chunk + _slots.Length);
            }
        }
        finally
        {
            job.Stop();
            foreach (var worker in workers)
                worker.Join();
            for (int i = 0; i < _slots.Length; i++)
                _slots[i].Reset(i);
        }
        return completed;
    }

    public void Dispose()
    {
        foreach (var hasher in _hashers)
            hasher.Dispose();
    }

    /// <summary>One run of blocks being hashed: hands out chunk numbers and fills slots.</summary>
    private sealed class Job(VerityLevelHasher owner, SafeFileHandle file, string fileName, long offset, int blockSize, long blockCount)
    {
        private readonly int _blocksPerChunk = Math.Max(1, owner._chunkBytes / blockSize);
        private long _nextChunk = -1;
        private volatile bool _stopped;

        public bool Stopped => _stopped;

        public long ChunkCount => (blockCount + _blocksPerChunk - 1) / _blocksPerChunk;

        public void Work(VerityBlockHasher hasher)
        {
            var slots = owner._slots;
            while (!_stopped)
            {
                long chunk = Interlocked.Increment(ref _nextChunk);
                if (chunk >= ChunkCount)
                    return;
                var slot = slots[chunk % slots.Length];
                if (!slot.WaitTurn(chunk, this))
                    return;
                Fill(slot, chunk, hasher);
                slot.MarkFilled(chunk);
            }
        }

        public void Fill(Slot slot, long chunk, VerityBlockHasher hasher)
        {
            int digestSize = owner._algorithm.DigestSize;
            try
            {
                slot.First = chunk * _blocksPerChunk;
                slot.Count = (int)Math.Min(_blocksPerChunk, blockCount - slot.First);
                slot.Failure = null;
                slot.Ensure(_blocksPerChunk * blockSize, _blocksPerChunk * digestSize);
                var data = slot.Buffer.AsSpan(0, slot.Count * blockSize);
                VerityFiles.ReadExactly(file, fileName, data, offset + slot.First * blockSize);
                for (int i = 0; i < slot.Count; i++)
                    hasher.Hash(data.Slice(i * blockSize, blockSize), slot.Digests.AsSpan(i * digestSize, digestSize));
            }
            catch (Exception e)
            {
                slot.Failure = ExceptionDispatchInfo.Capture(e);
            }
        }

        /// <summary>Stops the workers: none takes a new chunk, and any waiting for a slot wakes up.</summary>
        public void Stop()
        {
            _stopped = true;
            foreach (var slot in owner._slots)
                slot.WakeAll();
        }
    }

    /// <summary>
    /// A chunk buffer used by chunks slot, slot + slots, slot + 2 × slots, …: a worker fills it only on its chunk's turn
    /// and the consumer reads it only once that chunk is filled.
    /// </summary>
    private sealed class Slot(long firstTurn)
    {
        private readonly object _gate = new();
        private long _turn = firstTurn;
        private long _filled = -1;

        public byte[] Buffer { get; private set; } = [];
        public byte[] Digests { get; private set; } = [];
        public long First { get; set; }
        public int Count { get; set; }
        public ExceptionDispatchInfo? Failure { get; set; }

        public ReadOnlySpan<byte> DigestSpan(int digestSize) => Digests.AsSpan(0, Count * digestSize);

        public void Ensure(int bufferBytes, int digestBytes)
        {
            if (Buffer.Length < bufferBytes) Buffer = GC.AllocateUninitializedArray<byte>(bufferBytes);
            if (Digests.Length < digestBytes) Digests = GC.AllocateUninitializedArray<byte>(digestBytes);
        }

        /// <summary>Waits until <paramref name="chunk"/> may fill this slot; false when the job stopped.</summary>
        public bool WaitTurn(long chunk, Job job)
        {
            lock (_gate)
            {
                while (_turn != chunk && !job.Stopped)
                    Monitor.Wait(_gate);
                return !job.Stopped;
            }
        }

        public void MarkFilled(long chunk)
        {
            lock (_gate)
            {
                _filled = chunk;
                Monitor.PulseAll(_gate);
            }
        }

        /// <summary>Waits until <paramref name="chunk"/>'s digests are in this slot.</summary>
        public void WaitFilled(long chunk, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                while (_filled != chunk)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    Monitor.Wait(_gate, 100);
                }
            }
        }

        /// <summary>Gives the slot to chunk <paramref name="nextTurn"/>.</summary>
        public void Release(long nextTurn)
        {
            lock (_gate)
            {
                _turn = nextTurn;
                Monitor.PulseAll(_gate);
            }
        }

        public void WakeAll()
        {
            lock (_gate)
                Monitor.PulseAll(_gate);
        }

        /// <summary>Back to the state before the first chunk, for the next run.</summary>
        public void Reset(long firstTurn)
        {
            lock (_gate)
            {
                _turn = firstTurn;
                _filled = -1;
            }
        }
    }
}
