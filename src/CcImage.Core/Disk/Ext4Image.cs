// Builds an ext4 file system image from a folder with mke2fs -d (e2fsprogs; no loop mount), reproducibly:
// fixed UUID and directory hash seed, E2FSPROGS_FAKE_TIME (at least 1: 0 means unset) for every time mke2fs itself stamps (e2fsprogs 1.47.0 ignores
// SOURCE_DATE_EPOCH), then debugfs makes every copied inode root's (unless ownership is preserved), sets its atime, ctime and crtime to SOURCE_DATE_EPOCH and clamps
// mtime to it (mke2fs copies those from the source tree, where ctime and atime differ between copies).
using System.Globalization;
using System.Text;
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.Disk;

public static class Ext4Image
{
    /// <summary>The variable e2fsprogs 1.47 reads its clock from (lib/ext2fs and misc/ honour it; SOURCE_DATE_EPOCH is ignored).</summary>
    public const string FakeTimeVariable = "E2FSPROGS_FAKE_TIME";

    /// <summary>
    /// Writes an ext4 image of <paramref name="sizeBytes"/> (rounded down to 4 KiB blocks) holding the tree of
    /// <paramref name="sourceFolder"/> (null: empty) to <paramref name="destination"/>, through a temp file beside it.
    /// </summary>
    public static void Build(ToolRunner runner, string? sourceFolder, string destination, long sizeBytes, Guid uuid,
        Guid hashSeed, string label, long sourceDateEpoch, bool preserveOwnership = false, bool journal = true,
        CancellationToken cancellationToken = default)
    {
        long blocks = sizeBytes / Ext4Sizing.BlockSize;
        if (Encoding.UTF8.GetByteCount(label) > 16)
            throw new ArgumentException("An ext4 label holds at most 16 bytes.", nameof(label));
        string epoch = sourceDateEpoch.ToString(CultureInfo.InvariantCulture);
        var environment = new Dictionary<string, string?>
        {
            // e2fsprogs reads a fake time of 0 as "unset" and falls back to the clock, so epoch 0 stamps the superblock with 1.
            [FakeTimeVariable] = Math.Max(sourceDateEpoch, 1).ToString(CultureInfo.InvariantCulture),
            [SourceDateEpoch.VariableName] = epoch,
            ["MKE2FS_CONFIG"] = null,
        };
        AtomicFile.Write(destination, temp =>
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                f.SetLength(blocks * Ext4Sizing.BlockSize);
            var args = new List<string> { "-t", "ext4", "-b", Ext4Sizing.BlockSize.ToString(CultureInfo.InvariantCulture) };
            if (sourceFolder != null)
                args.AddRange(["-d", Path.GetFullPath(sourceFolder)]);
            if (!journal)
                args.AddRange(["-O", "^has_journal"]); // a read-only (verity) file system is never written: no journal
            args.AddRange([
                "-F", "-q", "-U", uuid.ToString("D"),
                "-E", $"root_owner=0:0,hash_seed={hashSeed:D},lazy_itable_init=0,lazy_journal_init=0",
                "-L", label, temp, blocks.ToString(CultureInfo.InvariantCulture),
            ]);
            runner.Run(HostTool.Mke2fs, args, environment: environment, cancellationToken: cancellationToken);
            NormalizeInodes(runner, temp, sourceDateEpoch, !preserveOwnership, environment, cancellationToken);
        });
    }

    private static void NormalizeInodes(ToolRunner runner, string image, long epoch, bool rootOwnership,
        IDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        List<Ext4InodeScan.InodeTime> inodes;
        try
        {
            inodes = Ext4InodeScan.UserInodes(image);
        }
        catch (InvalidDataException e)
        {
            throw Diag.Error(nameof(Strings.Ext4ImageUnreadable), image, e.Message);
        }
        var script = new StringBuilder();
        foreach (var (inode, mtime) in inodes)
        {
            foreach (string field in new[] { "atime", "ctime", "crtime" })
                script.Append(CultureInfo.InvariantCulture, $"sif <{inode}> {field} @{epoch}\n");
            if (mtime > epoch)
                script.Append(CultureInfo.InvariantCulture, $"sif <{inode}> mtime @{epoch}\n");
            if (rootOwnership)
                script.Append(CultureInfo.InvariantCulture, $"sif <{inode}> uid 0\nsif <{inode}> gid 0\n");
        }
        string scriptPath = image + ".debugfs";
        File.WriteAllText(scriptPath, script.ToString());
        try
        {
            var result = runner.Run(HostTool.Debugfs, ["-w", "-f", scriptPath, image], environment: environment,
                cancellationToken: cancellationToken);
            // debugfs reports failed commands on stderr but still exits 0; any line not echoing a command is an error.
            string? problem = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(l => !l.StartsWith("debugfs", StringComparison.Ordinal));
            if (problem != null)
                throw Diag.Error(nameof(Strings.Ext4ImageUnreadable), image, problem);
        }
        finally
        {
            File.Delete(scriptPath);
        }
    }
}
