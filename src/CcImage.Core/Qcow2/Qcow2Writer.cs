// Converts any IDiskSource into a version 3 qcow2 image (docs/interop/qcow2.rst), streaming: only the source's data
// extents are read, all-zero clusters are not stored, and memory stays bounded whatever the disk size. Where the source
// can lend its bytes from a file mapping (IDiskSource.TryMap) they go from the page cache to the output with one copy.
//
// Layout written (deterministic for a given input and cluster size):
//   cluster 0                 header (header_length 112, no extensions)
//   clusters 1 .. L           L1 table (none for an empty disk)
//   then, per L2 range with data: its L2 table, followed by that range's data clusters in virtual order
//   then the refcount blocks (every cluster of the file has refcount 1), then the refcount table.
using CcImage.Core.Caching;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Numerics;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using Microsoft.Win32.SafeHandles;
using static CcImage.Core.Qcow2.Qcow2Format;

namespace CcImage.Core.Qcow2;

public sealed class Qcow2Writer
{
    /// <summary>Bytes read from the source per step (a multiple of every supported cluster size).</summary>
    private const int ChunkSize = 8 << 20;

    /// <summary>Chunks in flight between the reader thread and the writer (bounds memory to ChunkCount × ChunkSize).</summary>
    private const int ChunkCount = 4;

    /// <summary>Most iovecs handed to one vectored write.</summary>
    private const int MaxSegmentsPerWrite = 256;

    private readonly int _clusterBits;

    public Qcow2Writer(int clusterSize = DefaultClusterSize)
    {
        ValidateClusterSize(clusterSize);
        _clusterBits = BitOperations.Log2((uint)clusterSize);
    }

    public int ClusterSize => 1 << _clusterBits;

    /// <summary>Throws CCIMG2015 unless <paramref name="clusterSize"/> is a power of two in 512 B .. 2 MiB.</summary>
    public static void ValidateClusterSize(long clusterSize)
    {
        if (clusterSize < 1L << MinClusterBits || clusterSize > 1L << MaxClusterBits || !BitOperations.IsPow2(clusterSize))
            throw Diag.Error(nameof(Strings.Qcow2InvalidClusterSize), clusterSize);
    }

    /// <summary>The largest virtual size a qcow2 image with <paramref name="clusterSize"/>-byte clusters can describe
    /// (the L1 table is limited to 32 MiB, and offsets to 2^56).</summary>
    public static long MaxVirtualSizeFor(int clusterSize)
    {
        long l2Coverage = (long)clusterSize * (clusterSize / TableEntrySize);
        long byL1 = MaxL1TableBytes / TableEntrySize * l2Coverage;
        return Math.Min(MaxVirtualSize, byL1) / SectorSize * SectorSize;
    }

    /// <summary>Throws CCIMG1160 naming <paramref name="setting"/> when <paramref name="virtualSize"/> exceeds <see cref="MaxVirtualSizeFor"/>.</summary>
    public static void ValidateVirtualSize(long virtualSize, int clusterSize, string setting)
    {
        long max = MaxVirtualSizeFor(clusterSize);
        if (virtualSize > max)
            throw Diag.Error(nameof(Strings.SettingSizeTooLarge), setting, virtualSize, max, clusterSize,
                clusterSize < 1 << MaxClusterBits ? " or a larger cluster size" : "");
    }

    /// <summary>Writes <paramref name="source"/> as qcow2 to <paramref name="destination"/> (temp file beside it, then rename).</summary>
    public void Convert(IDiskSource source, string destination, CancellationToken cancellationToken = default) =>
        AtomicFile.Write(destination, temp =>
        {
            using var output = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
            Write(source, output, cancellationToken);
        });

    /// <summary>Writes the image into an empty, writable file.</summary>
    public void Write(IDiskSource source, SafeFileHandle output, CancellationToken cancellationToken = default)
    {
        int clusterSize = ClusterSize;
        if (source.Length < 0 || source.Length > MaxVirtualSize)
            throw Diag.Error(nameof(Strings.Qcow2SizeTooLarge), source.Length, clusterSize);
        long virtualSize = (source.Length + SectorSize - 1) / SectorSize * SectorSize;
        long l1Size = Qcow2Header.RequiredL1Size(virtualSize, _clusterBits);
        if (l1Size * TableEntrySize > MaxL1TableBytes || virtualSize > MaxVirtualSize)
            throw Diag.Error(nameof(Strings.Qcow2SizeTooLarge), virtualSize, clusterSize);
        long l1Clusters = (l1Size * TableEntrySize + clusterSize - 1) >> _clusterBits;
        var l1 = new ulong[l1Size];

        var state = new DataState(output, _clusterBits, firstFreeCluster: 1 + l1Clusters, l1);
        using (var pipeline = new ChunkReader(source, _clusterBits, cancellationToken))
        {
            foreach (var chunk in pipeline.Chunks())
            {
                try
                {
                    state.AddChunk(chunk);
                }
                finally
                {
                    pipeline.Return(chunk);
                }
            }
        }
        state.FinishL2();
        cancellationToken.ThrowIfCancellationRequested();

        long dataEnd = state.NextCluster;
        var (refcountBlocks, refcountTableClusters) = RefcountLayout(dataEnd);
        long totalClusters = dataEnd + refcountBlocks + refcountTableClusters;
        WriteRefcountBlocks(output, dataEnd << _clusterBits, totalClusters, refcountBlocks);
        long refcountTableOffset = (dataEnd + refcountBlocks) << _clusterBits;
        WriteRefcountTable(output, refcountTableOffset, refcountTableClusters, dataEnd, refcountBlocks);

        var l1Bytes = new byte[l1Clusters << _clusterBits];
        for (int i = 0; i < l1.Length; i++)
            BinaryPrimitives.WriteUInt64BigEndian(l1Bytes.AsSpan(i * TableEntrySize), l1[i]);
        if (l1Clusters > 0)
            RandomAccess.Write(output, l1Bytes, 1L << _clusterBits);

        var header = new Qcow2Header
        {
            Version = Version3,
            ClusterBits = _clusterBits,
            Size = virtualSize,
            L1Size = (int)l1Size,
            L1TableOffset = l1Clusters > 0 ? 1L << _clusterBits : 0, // an empty disk has no L1 table
            RefcountTableOffset = refcountTableOffset,
            RefcountTableClusters = (int)refcountTableClusters,
            RefcountOrder = DefaultRefcountOrder,
            HeaderLength = Version3HeaderLengthWritten,
        };
        var headerCluster = new byte[clusterSize];
        header.WriteTo(headerCluster);
        RandomAccess.Write(output, headerCluster, 0);
    }

    /// <summary>Refcount blocks and refcount table clusters needed so that they also count themselves.</summary>
    private (long Blocks, long TableClusters) RefcountLayout(long dataClusters)
    {
        long entriesPerBlock = (1L << _clusterBits) * 8 / (1 << DefaultRefcountOrder);
        long entriesPerTableCluster = (1L << _clusterBits) / TableEntrySize;
        long blocks = 0, table = 0;
        while (true) // grows monotonically and settles within a few rounds
        {
            long total = dataClusters + blocks + table;
            long needBlocks = (total + entriesPerBlock - 1) / entriesPerBlock;
            long needTable = Math.Max(1, (needBlocks + entriesPerTableCluster - 1) / entriesPerTableCluster);
            if (needBlocks == blocks && needTable == table)
                return (blocks, table);
            (blocks, table) = (needBlocks, needTable);
        }
    }

    /// <summary>Writes the refcount blocks: 16-bit refcount 1 for every cluster below <paramref name="totalClusters"/>.</summary>
    private void WriteRefcountBlocks(SafeFileHandle output, long offset, long totalClusters, long blocks)
    {
        const int refcountBytes = 2; // refcount_order 4
        long bytes = blocks << _clusterBits;
        long used = totalClusters * refcountBytes;
        var buffer = new byte[(int)Math.Min(bytes, 1 << 20)];
        for (long done = 0; done < bytes; done += buffer.Length)
        {
            int n = (int)Math.Min(buffer.Length, bytes - done);
            Array.Clear(buffer);
            long ones = Math.Clamp(used - done, 0, n);
            for (int i = 1; i < ones; i += refcountBytes)
                buffer[i] = 1;
            RandomAccess.Write(output, buffer.AsSpan(0, n), offset + done);
        }
    }

    private void WriteRefcountTable(SafeFileHandle output, long offset, long tableClusters, long firstBlock, long blocks)
    {
        var table = new byte[tableClusters << _clusterBits];
        for (long b = 0; b < blocks; b++)
            BinaryPrimitives.WriteUInt64BigEndian(table.AsSpan((int)(b * TableEntrySize)), (ulong)((firstBlock + b) << _clusterBits));
        RandomAccess.Write(output, table, offset);
    }

    /// <summary>A read-ahead chunk of the source: virtual offset and bytes (a multiple of the cluster size), held either in
    /// a pool buffer or in a window mapped from the source's file; Sequence tells chunks apart.</summary>
    private readonly record struct Chunk(long Offset, ReadOnlyMemory<byte> Data, byte[]? Buffer, MappedFileWindow? Window, long Sequence)
    {
        public int Length => Data.Length;
    }

    /// <summary>Reads the cluster-aligned data extents of a source on a background thread, mapped where the source lends
    /// them and otherwise into a small buffer pool; at most ChunkCount chunks wait for the writer.</summary>
    private sealed class ChunkReader : IDisposable
    {
        private readonly BlockingCollection<Chunk> _ready = new(ChunkCount);
        private readonly BlockingCollection<byte[]> _free = new(ChunkCount);
        private readonly CancellationTokenSource _stop;
        private readonly Task _reader;
        private Exception? _failure;
        private long _sequence;

        public ChunkReader(IDiskSource source, int clusterBits, CancellationToken cancellationToken)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            for (int i = 0; i < ChunkCount; i++)
                _free.Add(GC.AllocateUninitializedArray<byte>(ChunkSize, pinned: true), CancellationToken.None);
            var token = _stop.Token;
            _reader = Task.Factory.StartNew(() => Run(source, clusterBits, token), TaskCreationOptions.LongRunning);
        }

        private void Run(IDiskSource source, int clusterBits, CancellationToken token)
        {
            try
            {
                long clusterMask = (1L << clusterBits) - 1;
                long rangeStart = -1, rangeEnd = -1;
                foreach (var extent in source.DataExtents())
                {
                    if (extent.Length <= 0)
                        continue;
                    long start = extent.Offset & ~clusterMask;
                    long end = Math.Min((extent.End + clusterMask) & ~clusterMask, (source.Length + clusterMask) & ~clusterMask);
                    if (rangeEnd >= start && rangeStart >= 0)
                    {
                        rangeEnd = Math.Max(rangeEnd, end);
                        continue;
                    }
                    if (rangeStart >= 0)
                        ReadRange(source, rangeStart, rangeEnd, token);
                    (rangeStart, rangeEnd) = (start, end);
                }
                if (rangeStart >= 0)
                    ReadRange(source, rangeStart, rangeEnd, token);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _failure = e;
            }
            finally
            {
                _ready.CompleteAdding();
            }
        }

        private void ReadRange(IDiskSource source, long start, long end, CancellationToken token)
        {
            for (long position = start; position < end; position += ChunkSize)
            {
                int length = (int)Math.Min(ChunkSize, end - position);
                var window = source.TryMap(position, length);
                if (window != null)
                {
                    try
                    {
                        _ready.Add(new Chunk(position, window.Memory, null, window, _sequence++), token);
                    }
                    catch
                    {
                        ((IDisposable)window).Dispose();
                        throw;
                    }
                    continue;
                }
                var buffer = _free.Take(token);
                source.ReadAt(position, buffer.AsSpan(0, length));
                _ready.Add(new Chunk(position, buffer.AsMemory(0, length), buffer, null, _sequence++), token);
            }
        }

        public IEnumerable<Chunk> Chunks()
        {
            foreach (var chunk in _ready.GetConsumingEnumerable(_stop.Token))
                yield return chunk;
            _reader.Wait();
            _stop.Token.ThrowIfCancellationRequested();
            if (_failure != null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(_failure);
        }

        /// <summary>Gives a chunk's buffer back to the pool, or unmaps its window.</summary>
        public void Return(Chunk chunk)
        {
            if (chunk.Buffer != null)
                _free.Add(chunk.Buffer);
            else
                ((IDisposable?)chunk.Window)?.Dispose();
        }

        public void Dispose()
        {
            _stop.Cancel();
            try { _reader.Wait(); }
            catch (AggregateException) { }
            while (_ready.TryTake(out var left)) // windows the writer never took (a failure or Ctrl+C)
                ((IDisposable?)left.Window)?.Dispose();
            _stop.Dispose();
            _ready.Dispose();
            _free.Dispose();
        }
    }

    /// <summary>
    /// The writer side: assigns host clusters to non-zero clusters in order, keeps the current L2 table, and batches
    /// contiguous data clusters into vectored writes.
    /// </summary>
    private sealed class DataState(SafeFileHandle output, int clusterBits, long firstFreeCluster, ulong[] l1)
    {
        private readonly int _clusterSize = 1 << clusterBits;
        private readonly long _l2Entries = (1L << clusterBits) / TableEntrySize;
        private readonly byte[] _l2 = new byte[1 << clusterBits];
        private readonly List<ReadOnlyMemory<byte>> _segments = new();
        private long _l2Index = -1;
        private long _l2Offset;
        private long _pendingOffset;
        private long _pendingLength;
        private ReadOnlyMemory<byte> _lastData;
        private long _lastSequence = -1;
        private int _lastStart;
        private int _lastLength;

        public long NextCluster { get; private set; } = firstFreeCluster;

        public void AddChunk(Chunk chunk)
        {
            var data = chunk.Data.Span;
            for (int i = 0; i < chunk.Length; i += _clusterSize)
            {
                if (!data.Slice(i, _clusterSize).ContainsAnyExcept((byte)0))
                    continue;
                long virtualCluster = (chunk.Offset + i) >> clusterBits;
                long l2Index = virtualCluster / _l2Entries;
                if (l2Index != _l2Index)
                {
                    FinishL2();
                    _l2Index = l2Index;
                    _l2Offset = NextCluster++ << clusterBits;
                }
                long host = NextCluster++ << clusterBits;
                int entry = (int)(virtualCluster % _l2Entries) * TableEntrySize;
                BinaryPrimitives.WriteUInt64BigEndian(_l2.AsSpan(entry), (ulong)host | OflagCopied);
                Append(host, chunk, i);
            }
            FlushPending(); // the chunk's buffer goes back to the reader (or its window is unmapped) after this
        }

        private void Append(long host, Chunk chunk, int start)
        {
            if (_pendingLength > 0 && host != _pendingOffset + _pendingLength)
                FlushPending();
            bool extendsLast = _lastSequence == chunk.Sequence && _lastStart + _lastLength == start;
            if (!extendsLast)
            {
                CloseSegment();
                if (_segments.Count >= MaxSegmentsPerWrite)
                    FlushPending();
                (_lastData, _lastSequence, _lastStart, _lastLength) = (chunk.Data, chunk.Sequence, start, 0);
            }
            if (_pendingLength == 0)
                _pendingOffset = host;
            _pendingLength += _clusterSize;
            _lastLength += _clusterSize;
        }

        private void CloseSegment()
        {
            if (_lastSequence >= 0)
                _segments.Add(_lastData.Slice(_lastStart, _lastLength));
            (_lastData, _lastSequence) = (default, -1);
        }

        private void FlushPending()
        {
            CloseSegment();
            if (_segments.Count == 1)
                RandomAccess.Write(output, _segments[0].Span, _pendingOffset);
            else if (_segments.Count > 1)
                RandomAccess.Write(output, _segments, _pendingOffset);
            _segments.Clear();
            _pendingLength = 0;
        }

        /// <summary>Writes the current L2 table to the cluster reserved before its data and points L1 at it.</summary>
        public void FinishL2()
        {
            if (_l2Index < 0)
                return;
            FlushPending();
            RandomAccess.Write(output, _l2, _l2Offset);
            l1[_l2Index] = (ulong)_l2Offset | OflagCopied;
            Array.Clear(_l2);
            _l2Index = -1;
        }
    }
}
