// What the GPT and MBR targets run on a raw disk image in memory: read the GPT (primary, falling back to the backup),
// plan its growth by 64 KiB (both headers cross-checked, the MBR classified), apply the plan, and read it back. Plan
// failing must change nothing; a plan that succeeds must give a GPT that reads back from the primary at the new end.
using CcImage.Core.Gpt;

namespace CcImage.Fuzz.Targets;

internal abstract class GptTargetBase : IFuzzTarget
{
    private const int Growth = 64 << 10;

    public abstract string Name { get; }
    public abstract string Description { get; }
    public abstract IReadOnlyList<(int Start, int Length)> Focus(byte[] seed);

    public void Run(byte[] input, string scratch)
    {
        using var disk = new MemoryBlockDevice(input);
        _ = GptReader.Read(disk, "fuzz disk");
        long newLength = input.Length + Growth;
        var writes = GptResize.Plan(disk, newLength, extendLastPartition: true, "fuzz disk");
        if (!disk.Bytes.AsSpan().SequenceEqual(input))
            throw new FuzzPropertyException("GptResize.Plan wrote to the disk");
        disk.SetLength(newLength);
        GptResize.Apply(disk, writes);
        var read = GptReader.Read(disk, "grown fuzz disk");
        if (read.FromBackup)
            throw new FuzzPropertyException("after growth the primary GPT is invalid: " + read.PrimaryError);
        if (read.Table.DiskSectors * read.Table.SectorSize != newLength - newLength % read.Table.SectorSize)
            throw new FuzzPropertyException($"after growth the GPT describes {read.Table.DiskSectors} blocks, not the {newLength}-byte disk");
    }
}
