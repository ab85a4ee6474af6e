// Builds initrd.img for a boot layout from a root tree: CcImage's init (Boot/Assets/init.sh), busybox with the applet
// links the init uses, veritysetup / cryptsetup / mke2fs when the layout needs them, exactly the shared libraries
// those programs load (ELF PT_INTERP and DT_NEEDED resolved inside the tree), the kernel modules the layout needs in
// load order (modules.dep), and the layout file. One gzip-compressed newc archive, written temp-then-rename; the same
// inputs give the same bytes (sorted entries, root owner, SOURCE_DATE_EPOCH times).
using System.Globalization;
using System.Text;
using CcImage.Core.Config;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;

namespace CcImage.Core.Boot;

public static class InitramfsBuilder
{
    /// <summary>Where the kernel looks for the init in an initramfs (rdinit= default).</summary>
    public const string InitPath = "init";

    /// <summary>Raised whenever what the builder puts in an initramfs changes, so cached images built before are not reused.</summary>
    public const int FormatVersion = 1;

    public const string BusyboxPath = "/bin/busybox";
    public const string BusyboxPackage = "busybox";

    /// <summary>The busybox applets the init calls (shell built-ins such as echo, test and read need no link).</summary>
    public static IReadOnlyList<string> Applets { get; } =
    [
        "cat", "cp", "dd", "insmod", "mkdir", "mount", "poweroff", "readlink", "rm", "rmmod", "sh", "sleep",
        "swapoff", "switch_root", "sync", "tr", "umount", "usleep", "wc",
    ];

    /// <summary>The programs a layout needs besides busybox: path in the tree, Debian package, and when.</summary>
    public static IReadOnlyList<(string Path, string Package, Func<BootLayout, bool> NeededFor)> Programs { get; } =
    [
        ("/sbin/veritysetup", "cryptsetup-bin", l => l.Uses(PartitionProtection.Verity)),
        ("/sbin/cryptsetup", "cryptsetup-bin", UsesLuks),
        ("/sbin/mke2fs", "e2fsprogs", UsesLuks),
    ];

    /// <summary>Configuration files taken from the tree when present (mke2fs's defaults for the file systems it makes).</summary>
    public static IReadOnlyList<(string Path, Func<BootLayout, bool> NeededFor)> ConfigurationFiles { get; } =
        [("/etc/mke2fs.conf", UsesLuks)];

    private static bool UsesLuks(BootLayout layout) =>
        layout.Uses(PartitionProtection.LuksEphemeral) || layout.Uses(PartitionProtection.LuksKeyfile);

    /// <summary>Decides what the initramfs for <paramref name="request"/> holds; reads the tree, writes nothing.</summary>
    public static InitramfsContents Plan(InitramfsRequest request)
    {
        var layout = request.Layout.Validate();
        CheckKernelVersion(request.KernelVersion);
        var tree = new RootTree(request.RootTree);
        var selection = new RootTreeSelection(tree);
        var libraries = new SharedLibraryResolver(selection);

        string busybox = libraries.AddProgram(BusyboxPath, BusyboxPackage);
        CheckApplets(tree.HostPath(busybox));
        foreach (var (path, package, neededFor) in Programs)
            if (neededFor(layout))
                libraries.AddProgram(path, package);
        foreach (var (path, neededFor) in ConfigurationFiles)
            if (neededFor(layout))
                selection.TryAdd(path, "configuration");

        var index = KernelModuleIndex.Load(tree, request.KernelVersion);
        var modules = index.LoadOrder(BootModules.For(layout, request.ExtraModules));
        var moduleList = new StringBuilder();
        string moduleDirectory = KernelModuleIndex.DirectoryOf(request.KernelVersion);
        foreach (var module in modules)
        {
            string path = moduleDirectory + "/" + module.RelativePath;
            selection.Add(path, $"the kernel module {module.Name}", "linux-image-" + request.KernelVersion);
            moduleList.Append(module.Optional ? "optional " : "required ").Append(path).Append('\n');
        }

        var generated = new SortedDictionary<string, byte[]>(StringComparer.Ordinal)
        {
            [InitPath] = BootAssets.InitScript,
            [BootLayoutFile.ArchivePath] = Encoding.UTF8.GetBytes(BootLayoutFile.Write(layout)),
            [InitramfsContents.ModuleListPath] = Encoding.UTF8.GetBytes(moduleList.ToString()),
        };

        string appletFolder = busybox.Contains('/') ? busybox[..busybox.LastIndexOf('/')] : "";
        var applets = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (string applet in Applets)
        {
            string path = appletFolder.Length == 0 ? applet : appletFolder + "/" + applet;
            if (!selection.Files.ContainsKey(path) && !selection.Links.ContainsKey(path))
                applets[path] = "busybox";
        }
        return new InitramfsContents(selection, generated, applets, modules);
    }

    /// <summary>Writes the initramfs for <paramref name="request"/> to its destination and returns what was written.</summary>
    public static InitramfsResult Build(InitramfsRequest request, ILog log, CancellationToken cancellationToken = default)
    {
        uint mtime = CheckEpoch(request.SourceDateEpoch);
        log.Info($"Initramfs: resolving programs, libraries and kernel {request.KernelVersion} modules in {request.RootTree}.");
        var contents = Plan(request);
        cancellationToken.ThrowIfCancellationRequested();
        log.Detail($"Initramfs: {contents.Selection.Files.Count} files from the root tree, {contents.Modules.Count} modules: "
                   + string.Join(' ', contents.Modules.Select(m => m.Optional ? m.Name + "?" : m.Name)));
        var manifest = InitramfsManifest.From(request, contents, cancellationToken);
        InitramfsFile.Write(request.Destination, [(contents.ToArchive(mtime), CpioCompression.Gzip)], cancellationToken: cancellationToken);
        var result = new InitramfsResult(Path.GetFullPath(request.Destination), new FileInfo(request.Destination).Length,
            FileHash.Sha256Hex(request.Destination), contents.Modules, manifest);
        log.Info($"Wrote {result.Path} ({result.Size} bytes).");
        return result;
    }

    /// <summary>
    /// The cache manifest of the initramfs <paramref name="request"/> would give, without writing it: with
    /// <see cref="InitramfsRequest.RootTreeKey"/> set it names that key and reads nothing from the tree.
    /// </summary>
    public static InitramfsManifest Manifest(InitramfsRequest request, CancellationToken cancellationToken = default)
    {
        CheckEpoch(request.SourceDateEpoch);
        return request.RootTreeKey is null
            ? InitramfsManifest.From(request, Plan(request), cancellationToken)
            : InitramfsManifest.From(request with { Layout = request.Layout.Validate() }, null, cancellationToken);
    }

    private static uint CheckEpoch(long epoch) =>
        epoch is >= 0 and <= uint.MaxValue ? (uint)epoch
            : throw Diag.Error(nameof(Strings.InvalidSourceDateEpoch), epoch.ToString(CultureInfo.InvariantCulture));

    private static void CheckKernelVersion(string version)
    {
        if (string.IsNullOrWhiteSpace(version) || version.Contains('/') || version is "." or ".." || version.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
            throw Diag.Error(nameof(Strings.BootKernelVersionInvalid), version);
    }

    /// <summary>CCIMG5140 when busybox lacks an applet the init calls: applet names are stored NUL-separated in the binary.</summary>
    private static void CheckApplets(string busybox)
    {
        byte[] bytes = File.ReadAllBytes(busybox);
        var missing = Applets.Where(a => bytes.AsSpan().IndexOf(Encoding.ASCII.GetBytes("\0" + a + "\0")) < 0).ToList();
        if (missing.Count > 0)
            throw Diag.Error(nameof(Strings.BootBusyboxAppletMissing), busybox, string.Join(", ", missing));
    }
}
