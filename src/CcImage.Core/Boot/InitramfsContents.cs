// Everything one initramfs holds, decided before a byte is written: the files and links taken from the root tree,
// the files CcImage generates (init, layout, module list), the busybox applet links, the device node and folders,
// and the modules in load order. InitramfsBuilder writes it; InitramfsManifest fingerprints it.
using CcImage.Core.Cpio;

namespace CcImage.Core.Boot;

public sealed record InitramfsContents(
    RootTreeSelection Selection,
    IReadOnlyDictionary<string, byte[]> Generated,
    IReadOnlyDictionary<string, string> AppletLinks,
    IReadOnlyList<KernelModule> Modules)
{
    /// <summary>Where the init's module list sits: one "required|optional PATH" line per module, in load order.</summary>
    public const string ModuleListPath = "etc/ccimage/modules";

    /// <summary>0755, the mode of /init.</summary>
    public const uint ExecutablePermissions = 0x1ED;

    /// <summary>Empty folders the init mounts on or writes into.</summary>
    public static IReadOnlyList<string> Folders { get; } = ["dev", "proc", "run", "sys", "sysroot"];

    /// <summary>TTYAUX_MAJOR and the minor of /dev/console (Linux Documentation/admin-guide/devices.txt).</summary>
    private const uint ConsoleMajor = 5;
    private const uint ConsoleMinor = 1;

    /// <summary>/dev/console, so the kernel gives the init a console before devtmpfs is mounted.</summary>
    public static CpioEntry Console { get; } = CpioEntry.Device("dev/console", CpioEntryType.CharDevice, ConsoleMajor, ConsoleMinor);

    /// <summary>The archive of these contents, every entry owned by root, every time <paramref name="mtime"/>.</summary>
    public CpioArchiveBuilder ToArchive(uint mtime)
    {
        var archive = new CpioArchiveBuilder(mtime);
        foreach (string folder in Folders)
            archive.Add(CpioEntry.Directory(folder));
        archive.Add(Console);
        foreach (var (path, _) in Selection.Files)
        {
            var status = UnixFileStatus.TryGet(Selection.Tree.HostPath(path))
                ?? throw Diagnostics.Diag.Error(nameof(Diagnostics.Strings.CpioSourceFileMissing), Selection.Tree.HostPath(path), path);
            archive.Add(CpioEntry.FileFromDisk(path, Selection.Tree.HostPath(path), status.Permissions));
        }
        foreach (var (path, target) in Selection.Links)
            archive.Add(CpioEntry.Symlink(path, target));
        foreach (var (path, target) in AppletLinks)
            archive.Add(CpioEntry.Symlink(path, target));
        foreach (var (path, content) in Generated)
            archive.Add(CpioEntry.File(path, content, path == InitramfsBuilder.InitPath ? ExecutablePermissions : CpioEntry.FilePermissions));
        return archive;
    }
}
