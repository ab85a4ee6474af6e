// Writes a CVM bundle as a .tgz the same way every time: one folder entry, then the files in ordinal order of their
// names, each owned by root (0:0), stamped with SOURCE_DATE_EPOCH, mode 0755 for scripts and 0644 for the rest, in GNU
// tar format (files of 8 GiB and more are fine), compressed as one gzip member with a fixed header (GzipMemberStream).
// The archive appears at its path only when complete.
// Spec: POSIX.1-2001 ustar and GNU tar's extensions (tar(5)); RFC 1952.
using System.Formats.Tar;
using System.IO.Compression;
using CcImage.Core.Caching;
using CcImage.Core.Cpio;

namespace CcImage.Core.Provisioning;

public static class BundleArchive
{
    private const UnixFileMode FolderMode = (UnixFileMode)0x1ED; // 0755
    private const UnixFileMode ScriptMode = (UnixFileMode)0x1ED; // 0755
    private const UnixFileMode RegularMode = (UnixFileMode)0x1A4; // 0644
    private const string Owner = "root";

    /// <summary>One file of the bundle: its name inside the bundle folder, where its bytes are, whether it is executable.</summary>
    public sealed record Entry(string Name, string Source, bool Executable = false);

    public static void Write(string destination, string folderName, IEnumerable<Entry> entries, long epoch, CancellationToken cancellationToken)
    {
        var time = DateTimeOffset.FromUnixTimeSeconds(epoch);
        AtomicFile.Write(destination, temp =>
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            using (var gzip = new GzipMemberStream(file, CompressionLevel.Fastest))
            using (var tar = new TarWriter(gzip, TarEntryFormat.Gnu, leaveOpen: true))
            {
                tar.WriteEntry(Stamp(new GnuTarEntry(TarEntryType.Directory, folderName + "/"), FolderMode, time));
                foreach (var e in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    using var data = File.OpenRead(e.Source);
                    var entry = Stamp(new GnuTarEntry(TarEntryType.RegularFile, folderName + "/" + e.Name), e.Executable ? ScriptMode : RegularMode, time);
                    entry.DataStream = data;
                    tar.WriteEntry(entry);
                }
            }
            file.Flush(flushToDisk: true);
        });
    }

    private static GnuTarEntry Stamp(GnuTarEntry entry, UnixFileMode mode, DateTimeOffset time)
    {
        entry.Mode = mode;
        entry.ModificationTime = time;
        entry.AccessTime = time;
        entry.ChangeTime = time;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.UserName = Owner;
        entry.GroupName = Owner;
        return entry;
    }
}
