// Writes a generated folder (a site's root overlay, its user_config tree) so that it changes on disk only when its
// content changes: the new content is made beside it and swapped in when its tree fingerprint differs, so the times of
// an unchanged folder stay and MSBuild's up-to-date checks and the stage cache see no change.
using CcImage.Core.Caching;

namespace CcImage.Core.Provisioning;

public static class StagedFolder
{
    /// <summary>Makes <paramref name="folder"/> hold exactly what <paramref name="fill"/> writes into an empty folder;
    /// returns whether it changed.</summary>
    public static bool Write(string folder, Action<string> fill)
    {
        string staging = folder.TrimEnd('/') + AtomicFile.TempMarker + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        Directory.CreateDirectory(staging);
        try
        {
            fill(staging);
            if (Directory.Exists(folder) && TreeFingerprint.Compute(folder) == TreeFingerprint.Compute(staging))
                return false;
            string old = folder.TrimEnd('/') + AtomicFile.TempMarker + "old-" + Guid.NewGuid().ToString("N")[..8];
            if (Directory.Exists(folder))
                Directory.Move(folder, old);
            Directory.Move(staging, folder);
            StageCache.TryDeleteDirectory(old);
            return true;
        }
        finally
        {
            StageCache.TryDeleteDirectory(staging);
        }
    }

    /// <summary>Copies a folder's tree (folders, files with their modes, symbolic links as links) into <paramref name="target"/>.</summary>
    public static void CopyTree(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var entry in new DirectoryInfo(source).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string destination = Path.Combine(target, entry.Name);
            if (entry.LinkTarget is { } link)
                File.CreateSymbolicLink(destination, link);
            else if (entry is DirectoryInfo dir)
            {
                CopyTree(dir.FullName, destination);
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(destination, dir.UnixFileMode);
            }
            else
                File.Copy(entry.FullName, destination);
        }
    }
}
