// Runs commands inside an extracted root tree (pip installs into the image, postinst-like steps) with what programs
// expect to find: /proc, a read-only /sys, and a private /dev (a tmpfs holding bind mounts of the host's null, zero,
// full, random, urandom and tty, the usual fd/stdin/stdout/stderr/ptmx links, a new devpts instance on /dev/pts and a
// tmpfs on /dev/shm) — the set mmdebstrap's root mode provides. The tree's own /dev entries stay untouched below the
// tmpfs. Commands run through chroot(8) with a clean environment (env -i). Dispose unmounts everything in reverse
// order, also after a failed or cancelled command: it first kills any process still running inside the tree (a
// daemon a command left behind keeps mounts busy), then unmounts, falling back to a lazy unmount, and reports what it
// could not unmount (CCIMG4132) rather than leave a mount that a later delete of the tree would follow into the host.
// BindReadOnly shows a host folder or file inside the tree, read-only (a wheelhouse for pip), unmounted with the rest.
// Needs root (CCIMG4130).
using System.Diagnostics;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.RootFs;

public sealed class ChrootSession : IDisposable
{
    /// <summary>The search path commands inside the tree get.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static readonly string[] BoundDevices = ["null", "zero", "full", "random", "urandom", "tty"];
    private static readonly (string Name, string Target)[] DeviceLinks =
    [
        ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"), ("ptmx", "pts/ptmx"),
    ];

    private readonly ToolRunner _runner;
    private readonly ILog _log;
    private readonly List<string> _mounts = [];
    private bool _disposed;

    private ChrootSession(ToolRunner runner, ILog log, string root)
    {
        _runner = runner;
        _log = log;
        Root = root;
    }

    /// <summary>The tree's root folder (absolute).</summary>
    public string Root { get; }

    /// <summary>The mount points this session made, in the order it made them.</summary>
    public IReadOnlyList<string> Mounts => _mounts;

    /// <summary>Mounts /proc, /sys and /dev in <paramref name="root"/>; on any failure everything mounted so far is unmounted.</summary>
    public static ChrootSession Open(ToolRunner runner, ILog log, string root, CancellationToken cancellationToken = default)
    {
        string full = Path.GetFullPath(root).TrimEnd('/');
        if (!UnixUser.IsRoot)
            throw Diag.Error(nameof(Strings.ChrootNeedsRoot), full);
        if (!Directory.Exists(full) || new DirectoryInfo(full).LinkTarget != null)
            throw Diag.Error(nameof(Strings.ChrootMountPointUnsafe), full, "not a folder");
        var session = new ChrootSession(runner, log, full);
        try
        {
            session.MountAll(cancellationToken);
        }
        catch
        {
            session.Dispose();
            throw;
        }
        return session;
    }

    /// <summary>
    /// Runs <paramref name="command"/> (program and arguments, as seen inside the tree) as root in the tree, with only
    /// PATH, HOME, LC_ALL=C.UTF-8 and <paramref name="environment"/> set. Output streams to <paramref name="outputLine"/>.
    /// </summary>
    public ToolResult Run(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null, bool allowFailure = false, Action<string>? outputLine = null, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (command.Count == 0)
            throw new ArgumentException("A command names at least a program.", nameof(command));
        var variables = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = DefaultPath,
            ["HOME"] = "/root",
            ["LC_ALL"] = RootFsNames.BuiltInLocale,
        };
        if (environment != null)
            foreach (var (key, value) in environment)
                variables[key] = value;
        var arguments = new List<string> { Root, "/usr/bin/env", "-i" };
        arguments.AddRange(variables.Select(v => $"{v.Key}={v.Value}"));
        arguments.AddRange(command);
        return _runner.Run(HostTool.Chroot, arguments, timeout: timeout, allowFailure: allowFailure,
            cancellationToken: cancellationToken, outputLine: outputLine);
    }

    /// <summary>
    /// Makes the host's folder or file <paramref name="hostPath"/> visible, read-only, at the absolute path
    /// <paramref name="pathInTree"/> (a bind mount, remounted read-only), until the session closes. Missing folders on
    /// the way are created; an existing part of the path that is a symbolic link or not a folder is CCIMG4131, so the
    /// mount can never land outside the tree. The mount point itself (an empty folder or file) stays in the tree: the
    /// caller puts it in a scratch folder it deletes after <see cref="Close"/>.
    /// </summary>
    public void BindReadOnly(string hostPath, string pathInTree, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        string source = Path.GetFullPath(hostPath);
        bool folder = Directory.Exists(source);
        if (!folder && !File.Exists(source))
            throw Diag.Error(nameof(Strings.RootTreeSourceMissing), source);
        var parts = pathInTree.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (!pathInTree.StartsWith('/') || parts.Length == 0 || parts.Any(p => p is "." or ".."))
            throw new ArgumentException($"'{pathInTree}' is not an absolute path below the tree's root.", nameof(pathInTree));
        string current = Root;
        foreach (string part in parts[..^1])
        {
            current = Path.Combine(current, part);
            var info = new DirectoryInfo(current);
            if (info.LinkTarget != null || File.Exists(current))
                throw Diag.Error(nameof(Strings.ChrootMountPointUnsafe), current, info.LinkTarget != null ? "a symbolic link" : "a file");
            if (!info.Exists)
                Directory.CreateDirectory(current);
        }
        string target = Path.Combine(current, parts[^1]);
        var status = Cpio.UnixFileStatus.TryGet(target);
        if (status != null && (status.Type != (folder ? Cpio.UnixFileStatus.TypeDirectory : Cpio.UnixFileStatus.TypeRegular)
                               || (folder ? Directory.EnumerateFileSystemEntries(target).Any() : status.Size != 0)))
            throw Diag.Error(nameof(Strings.ChrootMountPointUnsafe), target, "already in use");
        if (status == null)
        {
            if (folder)
                Directory.CreateDirectory(target);
            else
                File.WriteAllBytes(target, []);
        }
        Mount(["--bind", source, target], target, cancellationToken);
        _runner.Run(HostTool.Mount, ["-o", "remount,bind,ro", target], cancellationToken: cancellationToken);
        _log.Detail($"Mounted {source} read-only at {pathInTree} in {Root}");
    }

    /// <summary>As <see cref="Close"/>, reporting a mount it could not remove as a warning instead of throwing.</summary>
    public void Dispose()
    {
        try
        {
            Close();
        }
        catch (CcImageException e)
        {
            _log.Warning(e.Code, e.Message);
        }
    }

    /// <summary>Kills what still runs in the tree and unmounts everything this session mounted (CCIMG4132 if something stays mounted).</summary>
    public void Close()
    {
        if (_disposed)
            return;
        _disposed = true;
        KillProcessesInside();
        foreach (string mount in Enumerable.Reverse(_mounts))
        {
            var result = _runner.Run(HostTool.Umount, [mount], allowFailure: true);
            if (result.ExitCode != 0)
            {
                _log.Detail($"umount {mount} failed ({result.StandardError.Trim()}); detaching it lazily");
                _runner.Run(HostTool.Umount, ["--lazy", mount], allowFailure: true);
            }
        }
        var left = MountTable.MountsUnder(Root).Where(_mounts.Contains).ToList();
        _mounts.Clear();
        if (left.Count > 0)
            throw Diag.Error(nameof(Strings.ChrootMountsLeft), Root, string.Join(", ", left));
    }

    private void MountAll(CancellationToken cancellationToken)
    {
        string proc = MountPoint("proc");
        Mount(["-t", "proc", "-o", "nosuid,nodev,noexec", "proc", proc], proc, cancellationToken);
        string sys = MountPoint("sys");
        Mount(["-t", "sysfs", "-o", "ro,nosuid,nodev,noexec", "sysfs", sys], sys, cancellationToken);
        string dev = MountPoint("dev");
        Mount(["-t", "tmpfs", "-o", "mode=0755,nosuid,size=64k", "ccimage-dev", dev], dev, cancellationToken);
        foreach (string device in BoundDevices)
        {
            string node = Path.Combine(dev, device);
            File.WriteAllBytes(node, []);
            Mount(["--bind", "/dev/" + device, node], node, cancellationToken);
        }
        foreach (var (name, target) in DeviceLinks)
            File.CreateSymbolicLink(Path.Combine(dev, name), target);
        string pts = Path.Combine(dev, "pts");
        Directory.CreateDirectory(pts);
        Mount(["-t", "devpts", "-o", "newinstance,ptmxmode=0666,mode=0620,nosuid,noexec", "devpts", pts], pts, cancellationToken);
        string shm = Path.Combine(dev, "shm");
        Directory.CreateDirectory(shm);
        Mount(["-t", "tmpfs", "-o", "mode=1777,nosuid,nodev", "shm", shm], shm, cancellationToken);
        _log.Detail($"Mounted /proc, /sys and /dev in {Root}");
    }

    // A mount point must be a real folder of the tree: a symbolic link (e.g. dev -> /) would put the mount on the host.
    private string MountPoint(string name)
    {
        string path = Path.Combine(Root, name);
        var info = new DirectoryInfo(path);
        if (info.LinkTarget != null || File.Exists(path))
            throw Diag.Error(nameof(Strings.ChrootMountPointUnsafe), path, info.LinkTarget != null ? "a symbolic link" : "a file");
        if (!info.Exists)
            Directory.CreateDirectory(path);
        return path;
    }

    private void Mount(IReadOnlyList<string> arguments, string mountPoint, CancellationToken cancellationToken)
    {
        _runner.Run(HostTool.Mount, arguments, cancellationToken: cancellationToken);
        _mounts.Add(mountPoint);
    }

    // Processes whose root directory is this tree: anything a command started and left running.
    private void KillProcessesInside()
    {
        foreach (string entry in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), out int pid) || pid == Environment.ProcessId)
                continue;
            string? processRoot;
            try
            {
                processRoot = new DirectoryInfo(Path.Combine(entry, "root")).LinkTarget;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue;
            }
            if (processRoot == null || (processRoot != Root && !processRoot.StartsWith(Root + "/", StringComparison.Ordinal)))
                continue;
            try
            {
                using var process = Process.GetProcessById(pid);
                _log.Detail($"Stopping process {pid} ({process.ProcessName}) left running in {Root}");
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // It ended on its own meanwhile.
            }
        }
    }
}
