// Turns a folder into a reproducible image layer tar placed under a path in the image: entries sorted by ordinal
// name, directories before their contents, all times SOURCE_DATE_EPOCH, owner and group fixed, modes kept from the
// files (executable or not), symbolic links kept as links.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Oci;

public static class DirectoryLayer
{
    private const int DirectoryMode = 0x1ED; // 0755
    private const int ExecutableMode = 0x1ED; // 0755
    private const int PlainMode = 0x1A4; // 0644
    private const int PrivateMode = 0x180; // 0600
    private const UnixFileMode AnyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Writes <paramref name="source"/> as <paramref name="layerPath"/>, its contents appearing at <paramref name="imagePath"/>.</summary>
    public static OciLayer Write(string source, string imagePath, string layerPath, long epoch, int uid, int gid,
        bool privateFiles, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(source))
            throw Diag.Error(nameof(Strings.InputFileMissing), source, "a layer folder");
        string root = imagePath.Trim('/');
        Caching.AtomicFile.Write(layerPath, temp =>
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            var tar = new LayerTarWriter(file, epoch);
            string prefix = "";
            foreach (string part in root.Split('/', StringSplitOptions.RemoveEmptyEntries))
            {
                prefix = prefix.Length == 0 ? part : prefix + "/" + part;
                tar.AddDirectory(prefix, DirectoryMode, uid, gid);
            }
            AddTree(tar, source, root, uid, gid, privateFiles, cancellationToken);
            tar.Finish();
        });
        return OciLayer.FromFile(layerPath);
    }

    private static void AddTree(LayerTarWriter tar, string dir, string at, int uid, int gid, bool privateFiles, CancellationToken cancellationToken)
    {
        var entries = new DirectoryInfo(dir).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            string name = at.Length == 0 ? entry.Name : at + "/" + entry.Name;
            if (entry.LinkTarget is { } target)
            {
                tar.AddSymlink(name, target, uid, gid);
            }
            else if (entry is DirectoryInfo sub)
            {
                tar.AddDirectory(name, privateFiles ? 0x1C0 : DirectoryMode, uid, gid);
                AddTree(tar, sub.FullName, name, uid, gid, privateFiles, cancellationToken);
            }
            else if (entry is FileInfo f)
            {
                bool executable = !OperatingSystem.IsWindows() && (File.GetUnixFileMode(f.FullName) & AnyExecute) != 0;
                int mode = executable ? (privateFiles ? 0x1C0 : ExecutableMode) : (privateFiles ? PrivateMode : PlainMode);
                using var content = f.OpenRead();
                tar.AddFile(name, content, f.Length, mode, uid, gid);
            }
        }
    }
}
