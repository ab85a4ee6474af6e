// A GPT disk assembled on the fly: the in-memory primary GPT (protective MBR, header, entries) at the start, the backup
// GPT at the end and each partition's image file at its offset. Streams; holes in the image files stay holes.
using CcImage.Core.Diagnostics;
using CcImage.Core.Gpt;

namespace CcImage.Core.Disk;

public sealed class AssembledDisk : IDiskSource
{
    private readonly byte[] _primary;
    private readonly byte[] _backup;
    private readonly long _backupOffset;
    private readonly List<(long Offset, long Length, IDiskSource Source)> _parts = [];

    /// <summary>
    /// Assembles <paramref name="plan"/>; <paramref name="partitionImages"/> maps a partition's Index to the raw file
    /// holding its bytes (a partition without one reads as zeros). An image longer than its partition is an error.
    /// </summary>
    public AssembledDisk(DiskPlan plan, IReadOnlyDictionary<int, string> partitionImages)
    {
        Plan = plan;
        Table = plan.ToGptTable();
        _primary = Table.BuildPrimaryRegion();
        _backup = Table.BuildBackupRegion();
        _backupOffset = Table.BackupRegionOffset;
        Length = plan.TotalBytes;
        try
        {
            foreach (var p in plan.Partitions)
            {
                if (!partitionImages.TryGetValue(p.Index, out string? path))
                    continue;
                var source = new RawFileSource(path);
                _parts.Add((p.Offset, p.Length, source));
                if (source.Length > p.Length)
                    throw Diagnostics.Diag.Error(nameof(Strings.PartitionImageTooLarge), path, source.Length, p.Name, p.Length);
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        _parts.Sort((a, b) => a.Offset.CompareTo(b.Offset));
    }

    public DiskPlan Plan { get; }
    public GptTable Table { get; }
    public long Length { get; }

    public IEnumerable<DiskExtent> DataExtents()
    {
        yield return new DiskExtent(0, _primary.Length);
        foreach (var (offset, _, source) in _parts)
            foreach (var e in source.DataExtents())
                yield return new DiskExtent(offset + e.Offset, e.Length);
        yield return new DiskExtent(_backupOffset, _backup.Length);
    }

    public void ReadAt(long offset, Span<byte> buffer)
    {
        buffer.Clear();
        long end = offset + buffer.Length;
        CopyFrom(_primary, 0, offset, buffer);
        CopyFrom(_backup, _backupOffset, offset, buffer);
        foreach (var (partOffset, partLength, source) in _parts)
        {
            long dataEnd = partOffset + Math.Min(partLength, source.Length);
            long from = Math.Max(offset, partOffset), to = Math.Min(end, dataEnd);
            if (from < to)
                source.ReadAt(from - partOffset, buffer.Slice((int)(from - offset), (int)(to - from)));
        }
    }

    /// <summary>A range inside one partition's image file is lent from that file; anything else is read.</summary>
    public MappedFileWindow? TryMap(long offset, int length)
    {
        foreach (var (partOffset, partLength, source) in _parts)
            if (offset >= partOffset && offset + length <= partOffset + Math.Min(partLength, source.Length))
                return source.TryMap(offset - partOffset, length);
        return null;
    }

    public void Dispose()
    {
        foreach (var (_, _, source) in _parts)
            source.Dispose();
        _parts.Clear();
    }

    private static void CopyFrom(byte[] region, long regionOffset, long offset, Span<byte> buffer)
    {
        long from = Math.Max(offset, regionOffset), to = Math.Min(offset + buffer.Length, regionOffset + region.Length);
        if (from < to)
            region.AsSpan((int)(from - regionOffset), (int)(to - from)).CopyTo(buffer[(int)(from - offset)..]);
    }
}
