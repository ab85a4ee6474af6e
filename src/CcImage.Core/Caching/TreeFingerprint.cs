// A digest of a folder's tree that changes when anything mke2fs -d would copy changes: every entry's relative path
// (ordinal order), type, permission bits, symlink target, length and content SHA-256. Owners and times are left out on
// purpose: partitions are root-owned and stamped with SOURCE_DATE_EPOCH unless ownership is preserved, and checkouts
// differ in both.
using System.Security.Cryptography;
using System.Text;
using CcImage.Core.Hashing;

namespace CcImage.Core.Caching;

public static class TreeFingerprint
{
    /// <summary>Lower-case hex SHA-256 over the tree of <paramref name="folder"/> (an empty string for a missing folder).</summary>
    public static string Compute(string folder)
    {
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (Directory.Exists(folder))
            Append(digest, new DirectoryInfo(folder), "");
        return Convert.ToHexString(digest.GetHashAndReset()).ToLowerInvariant();
    }

    private static void Append(IncrementalHash digest, DirectoryInfo dir, string prefix)
    {
        foreach (var entry in dir.EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string relative = prefix + entry.Name;
            string mode = Convert.ToString((int)entry.UnixFileMode, 8);
            string line;
            if (entry.LinkTarget is { } target)
                line = $"l {relative} {mode} -> {target}";
            else if (entry is DirectoryInfo sub)
                line = $"d {relative} {mode}";
            else
                line = $"f {relative} {mode} {((FileInfo)entry).Length} {FileHash.Sha256Hex(entry.FullName)}";
            digest.AppendData(Encoding.UTF8.GetBytes(line + "\n"));
            if (entry.LinkTarget == null && entry is DirectoryInfo child)
                Append(digest, child, relative + "/");
        }
    }
}
