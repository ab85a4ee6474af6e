// Turns a DiskPlan into an AssembledDisk: builds each ext4 partition's image (Ext4Image) in a work folder and pairs
// raw-image partitions with their files. The caller disposes the disk and removes the work folder.
using CcImage.Core.Tools;

namespace CcImage.Core.Disk;

public static class DiskAssembler
{
    public static AssembledDisk Assemble(DiskPlan plan, string workDirectory, ToolRunner runner, long sourceDateEpoch,
        CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(workDirectory);
        var images = new Dictionary<int, string>();
        foreach (var p in plan.Partitions)
        {
            switch (p.ContentKind)
            {
                case PartitionContentKind.RawImage:
                    images[p.Index] = p.SourcePath!;
                    break;
                case PartitionContentKind.Ext4:
                    string path = Path.Combine(workDirectory, $"partition-{p.Index + 1}.ext4");
                    Ext4Image.Build(runner, p.SourcePath, path, p.Length, p.FileSystemUuid, p.HashSeed, p.FileSystemLabel,
                        sourceDateEpoch, p.PreserveOwnership, cancellationToken: cancellationToken);
                    images[p.Index] = path;
                    break;
            }
        }
        return new AssembledDisk(plan, images);
    }
}
