// The image tests of the product's guide (partition, installation and permission tests), run on an image after it is
// written and read from the image itself: the GPT holds exactly the layout's partitions for the site's role with the
// right types, verity pairs verify against the recorded root hashes and carry UUIDs from them, every built ext4 file
// system is clean, partitions formatted at boot hold no data, and the root filesystem has no swap entry, UTC, an
// English locale, the declared packages, and the owners and modes the boot contract needs; for the NVFlare stages the
// virtual environment, NVFlare, the service account and its folders (NvflareRootChecks), and for the hardened image
// every hardening rule (HardenedRootChecks). Failures are collected and reported together (CCIMG4201).
using System.Text;
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;
using CcImage.Core.Gpt;
using CcImage.Core.Hardening;
using CcImage.Core.Layout;
using CcImage.Core.Pipeline;
using CcImage.Core.Tools;
using CcImage.Core.Verity;

namespace CcImage.Core.Inspection;

public static class ImageChecks
{

    /// <summary>Runs every check on the image of <paramref name="record"/>; throws CCIMG4201 listing what failed.</summary>
    public static IReadOnlyList<string> Run(StageRecord record, ImageProject project, ToolRunner runner, string workDirectory,
        CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var passed = new List<string>();
        Directory.CreateDirectory(workDirectory);
        try
        {
            using var disk = new DiskImageReader(record.Image);
            var layout = StageLayouts.For(project, record.Step);
            CheckStructure(record, project, layout, disk, failures, passed);
            if (record.Step == HardenImageStep.Name)
                HardenedRootChecks.RunLayout(record.Partitions, project, record.Cmdline, failures, passed);
            // The root first: the checks of other partitions read its group database.
            var groups = new StringBuilder();
            foreach (var p in record.Partitions.OrderBy(p => p.MountPoint == "/" ? 0 : 1))
            {
                cancellationToken.ThrowIfCancellationRequested();
                CheckPartition(p, record.Step, layout, disk, runner, workDirectory, project, groups, failures, passed, cancellationToken);
            }
        }
        finally
        {
            Caching.StageCache.TryDeleteDirectory(workDirectory);
        }
        if (failures.Count > 0)
            throw Diag.Error(nameof(Strings.ImageCheckFailed), record.Image, failures.Count, string.Join("; ", failures));
        return passed;
    }

    private static void CheckStructure(StageRecord record, ImageProject project, IReadOnlyList<LayoutPartition> layout, DiskImageReader disk,
        List<string> failures, List<string> passed)
    {
        var expected = layout.SelectMany(p => p.Protection == PartitionProtection.Verity && p.Verity == VerityPlacement.Partition
            ? new[] { p.Label, p.Label + "-verity" } : [p.Label]).ToList();
        var actual = disk.Gpt.Partitions.OrderBy(e => e.StartingLBA).Select(e => e.PartitionName).ToList();
        if (!expected.SequenceEqual(actual))
            failures.Add($"partitions are [{string.Join(", ", actual)}], the layout for role {project.Settings["CcRole"]} is [{string.Join(", ", expected)}]");
        else
            passed.Add($"partitions for role {project.Settings["CcRole"]}: {string.Join(", ", actual)}");

        var root = record.Partitions.FirstOrDefault(p => p.MountPoint == "/");
        if (root != null && disk.Find(root.Label) is { } rootEntry && rootEntry.PartitionTypeGUID != PartitionRoles.Get("root", root.Name).TypeGuid
            && project.ItemsOf("CcPartition").All(i => i.Get("Type") == null && i.Get("Role") == null))
            failures.Add($"the root partition has type {rootEntry.PartitionTypeGUID}, not the x86-64 root type");
    }

    private static void CheckPartition(StageRecord.RecordedPartition p, string step, IReadOnlyList<LayoutPartition> layout, DiskImageReader disk,
        ToolRunner runner, string work, ImageProject project, StringBuilder groups, List<string> failures, List<string> passed,
        CancellationToken cancellationToken)
    {
        if (disk.Find(p.Label) is not { } entry)
            return; // reported by the structure check
        var protection = PartitionProtectionNames.Parse(p.Protection, p.Name);
        if (protection is PartitionProtection.LuksEphemeral or PartitionProtection.LuksKeyfile)
        {
            if (disk.HasData(entry))
                failures.Add($"'{p.Name}' is formatted at boot but the image holds data in it");
            else
                passed.Add($"'{p.Name}' is empty until the VM formats it");
            return;
        }
        bool hasFileSystem = p.MountPoint != null || p.RootHash != null;
        if (!hasFileSystem && !disk.HasData(entry))
            return;

        string data = Path.Combine(work, p.Name + ".img");
        disk.Extract(entry, data);
        try
        {
            if (p.RootHash is { } rootHash)
                CheckVerity(p, entry, disk, data, rootHash, work, failures, passed, cancellationToken);
            if (p.MountPoint != null)
            {
                var fsck = runner.Run(HostTool.E2fsck, ["-fn", data], allowFailure: true, cancellationToken: cancellationToken);
                if (fsck.ExitCode != 0)
                    failures.Add($"e2fsck finds '{p.Name}' unclean (exit {fsck.ExitCode})");
                else
                    passed.Add($"'{p.Name}' file system is clean");
            }
            bool nvflare = step is InstallNvflareStep.Name or HardenImageStep.Name;
            if (p.MountPoint == "/")
            {
                var root = new Ext4Inspector(runner, data);
                RootFilesystemChecks.Run(root, project, failures, passed);
                if (nvflare)
                    NvflareRootChecks.Run(root, project, failures, passed);
                if (step == HardenImageStep.Name)
                    HardenedRootChecks.Run(root, project, layout, failures, passed);
                groups.Append(root.ReadText("/etc/group"));
            }
            else if (nvflare && p.MountPoint == Nvflare.ImagePath.Absolute(project.Settings["CcNvflareHome"], "CcNvflareHome") + "/" + Nvflare.NvflareHomeLayout.ConfigFolder)
                NvflareRootChecks.RunConfig(new Ext4Inspector(runner, data), groups.ToString(), project, failures, passed);
        }
        finally
        {
            File.Delete(data);
        }
    }

    private static void CheckVerity(StageRecord.RecordedPartition p, GptPartitionEntry entry, DiskImageReader disk, string data,
        string rootHash, string work, List<string> failures, List<string> passed, CancellationToken cancellationToken)
    {
        string expectedUuid = PartitionImageBuilder.UuidFromHash(rootHash, first: true);
        if (!entry.UniquePartitionGUID.ToString("D").Equals(expectedUuid, StringComparison.OrdinalIgnoreCase))
            failures.Add($"'{p.Name}' has partition UUID {entry.UniquePartitionGUID}, not {expectedUuid} from its root hash");
        string hashFile = data;
        long offset = 0;
        if (disk.Find(p.Label + "-verity") is { } hashEntry)
        {
            hashFile = Path.Combine(work, p.Name + "-verity.img");
            disk.Extract(hashEntry, hashFile);
        }
        else
            offset = FindAppendedSuperblock(data);
        try
        {
            var parameters = VerityVerifier.ReadSuperblock(hashFile, offset) with { HashOffset = offset };
            var result = VerityVerifier.Verify(data, hashFile, parameters, Convert.FromHexString(rootHash), cancellationToken: cancellationToken);
            if (!result.IsValid)
                failures.Add($"'{p.Name}' does not verify against root hash {rootHash}");
            else
                passed.Add($"'{p.Name}' verifies against its root hash");
        }
        finally
        {
            if (hashFile != data)
                File.Delete(hashFile);
        }
    }

    /// <summary>The offset of an appended verity superblock: right after the ext4 file system the partition starts with.</summary>
    private static long FindAppendedSuperblock(string data)
    {
        const int superblockOffset = 1024, blocksCountOffset = 4, logBlockSizeOffset = 24;
        Span<byte> sb = stackalloc byte[64];
        using (var f = File.OpenRead(data))
        {
            f.Position = superblockOffset;
            f.ReadExactly(sb);
        }
        long blocks = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sb[blocksCountOffset..]);
        int blockSize = 1024 << (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(sb[logBlockSizeOffset..]);
        return blocks * blockSize;
    }
}
