// Builds an ext4 file system image from a folder without a loop mount, reproducibly: mke2fs makes the empty file system
// with a fixed UUID and directory hash seed, then debugfs copies the folder in a fixed order (Ext4PopulateScript: names
// sorted by their UTF-8 bytes, so the image does not depend on the readdir order of the file system the folder lives on,
// which mke2fs -d of e2fsprogs 1.47.0 follows). E2FSPROGS_FAKE_TIME (at least 1: 0 means unset; e2fsprogs 1.47.0
// ignores SOURCE_DATE_EPOCH) stamps every time mke2fs and debugfs write; an mtime older than SOURCE_DATE_EPOCH is kept
// from the source. Files are root's unless ownership is preserved.
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

    // What libext2fs (lib/ext2fs/ext2_err.et.in) says when the file system is full.
    private static readonly string[] NoSpaceMessages = ["Could not allocate block", "Could not allocate inode", "No free space", "No space left"];

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
        // e2fsprogs reads a fake time of 0 as "unset" and falls back to the clock, so epoch 0 stamps the superblock with 1.
        long fakeTime = Math.Max(sourceDateEpoch, 1);
        var environment = new Dictionary<string, string?>
        {
            [FakeTimeVariable] = fakeTime.ToString(CultureInfo.InvariantCulture),
            [SourceDateEpoch.VariableName] = epoch,
            ["MKE2FS_CONFIG"] = null,
        };
        AtomicFile.Write(destination, temp =>
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                f.SetLength(blocks * Ext4Sizing.BlockSize);
            var args = new List<string> { "-t", "ext4", "-b", Ext4Sizing.BlockSize.ToString(CultureInfo.InvariantCulture) };
            if (!journal)
                args.AddRange(["-O", "^has_journal"]); // a read-only (verity) file system is never written: no journal
            args.AddRange([
                "-F", "-q", "-U", uuid.ToString("D"),
                "-E", $"root_owner=0:0,hash_seed={hashSeed:D},lazy_itable_init=0,lazy_journal_init=0",
                "-L", label, temp, blocks.ToString(CultureInfo.InvariantCulture),
            ]);
            runner.Run(HostTool.Mke2fs, args, environment: environment, cancellationToken: cancellationToken);
            Populate(runner, temp, sourceFolder, sourceDateEpoch, fakeTime, preserveOwnership, environment, cancellationToken);
        });
    }

    private static void Populate(ToolRunner runner, string image, string? sourceFolder, long epoch, long fakeTime,
        bool preserveOwnership, IDictionary<string, string?> environment, CancellationToken cancellationToken)
    {
        if (sourceFolder == null && fakeTime == epoch)
            return;
        string work = image + ".populate";
        Directory.CreateDirectory(work);
        try
        {
            string scriptPath = Path.Combine(work, "script");
            string attributes = Path.Combine(work, "attributes");
            Directory.CreateDirectory(attributes);
            string script = sourceFolder == null
                ? Ext4PopulateScript.CreateEmpty(epoch, fakeTime)
                : Ext4PopulateScript.Create(sourceFolder, epoch, fakeTime, preserveOwnership, attributes);
            File.WriteAllText(scriptPath, script);
            var result = runner.Run(HostTool.Debugfs, ["-w", "-f", scriptPath, image], environment: environment,
                cancellationToken: cancellationToken);
            // debugfs reports failed commands on stderr but still exits 0; any line other than its banner is an error.
            string? problem = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .FirstOrDefault(l => !l.StartsWith("debugfs", StringComparison.Ordinal));
            if (problem == null)
                return;
            if (NoSpaceMessages.Any(m => problem.Contains(m, StringComparison.OrdinalIgnoreCase)))
                throw Diag.Error(nameof(Strings.Ext4PopulateNoSpace), sourceFolder, image, problem);
            throw Diag.Error(nameof(Strings.Ext4PopulateFailed), sourceFolder ?? "", image, problem);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
