// Opens a built image (qcow2) read-only to look inside it the way a third party would: its GPT, and any partition copied
// out to a sparse file for debugfs, e2fsck or the verity verifier. The image tests and the test suite read images
// through this, never through the build's inputs.
using CcImage.Core.Disk;
using CcImage.Core.Gpt;
using CcImage.Core.Qcow2;

namespace CcImage.Core.Inspection;

public sealed class DiskImageReader : IDisposable
{
    private const int CopyChunk = 1 << 20;
    private readonly Qcow2Image _image;

    public DiskImageReader(string qcow2Path)
    {
        Path = qcow2Path;
        _image = Qcow2Image.Open(qcow2Path);
        Gpt = GptReader.Read(_image, qcow2Path).Table;
    }

    public string Path { get; }

    public GptTable Gpt { get; }

    /// <summary>The entry named <paramref name="name"/> (GPT PartitionName), or null.</summary>
    public GptPartitionEntry? Find(string name) => Gpt.Partitions.FirstOrDefault(p => p.PartitionName == name);

    /// <summary>True when the partition holds any non-zero byte in the image (a partition formatted at boot has none).
    /// Allocated clusters are read where they overlap the partition: a cluster it shares with a neighbour (e.g. the
    /// backup GPT after a partition that fills the disk) counts only for the partition's own bytes.</summary>
    public bool HasData(GptPartitionEntry entry)
    {
        long start = entry.StartingLBA * Gpt.SectorSize, end = (entry.EndingLBA + 1) * Gpt.SectorSize;
        var buffer = new byte[CopyChunk];
        foreach (var extent in _image.DataExtents().Where(e => e.Offset < end && e.Offset + e.Length > start))
        {
            long from = Math.Max(extent.Offset, start), to = Math.Min(extent.Offset + extent.Length, end);
            for (long at = from; at < to; at += CopyChunk)
            {
                int n = (int)Math.Min(CopyChunk, to - at);
                _image.ReadAt(at, buffer.AsSpan(0, n));
                if (buffer.AsSpan(0, n).ContainsAnyExcept((byte)0))
                    return true;
            }
        }
        return false;
    }

    /// <summary>Copies a partition into <paramref name="destination"/>, leaving unallocated ranges as holes.</summary>
    public void Extract(GptPartitionEntry entry, string destination)
    {
        long start = entry.StartingLBA * Gpt.SectorSize, length = (entry.EndingLBA - entry.StartingLBA + 1) * Gpt.SectorSize;
        using var output = new FileStream(destination, FileMode.Create, FileAccess.Write);
        output.SetLength(length);
        var buffer = new byte[CopyChunk];
        foreach (var extent in _image.DataExtents())
        {
            long from = Math.Max(extent.Offset, start), to = Math.Min(extent.Offset + extent.Length, start + length);
            for (long at = from; at < to; at += CopyChunk)
            {
                int n = (int)Math.Min(CopyChunk, to - at);
                _image.ReadAt(at, buffer.AsSpan(0, n));
                output.Position = at - start;
                output.Write(buffer, 0, n);
            }
        }
    }

    public void Dispose() => _image.Dispose();
}
