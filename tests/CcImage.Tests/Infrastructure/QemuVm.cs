// Boots a virtual machine for a test with qemu-system-x86_64 (package qemu-system-x86) under TCG — no KVM needed:
// q35, SeaBIOS, direct kernel boot (-kernel/-initrd/-append), the disk as a virtio qcow2 drive, a virtio entropy
// source, no network unless asked for (QEMU user networking, isolated from the host and the outside but for the
// forwards the test names), the serial console written to a file. Waits for console text with a timeout and always kills QEMU on
// Dispose, so a test never leaves a machine running.
using System.Diagnostics;
using System.Text;
using CcImage.Core.Tools;

namespace CcImage.Tests;

internal sealed class QemuVm : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    private readonly Process _process;
    private readonly StringBuilder _qemuOutput = new();
    private readonly List<(TimeSpan At, string Line)> _timeline = [];

    private QemuVm(Process process, string consoleFile)
    {
        _process = process;
        ConsoleFile = consoleFile;
        Started = Stopwatch.StartNew();
    }

    /// <summary>What to boot.</summary>
    /// <param name="FwCfgFiles">QEMU fw_cfg entries: name (e.g. <c>opt/ccimage/key/data</c>) → file on the host.</param>
    /// <param name="NetworkForwards">With any, a virtio NIC on QEMU user networking with restrict=on and these forwards
    /// (<c>hostfwd=tcp:127.0.0.1:HOSTPORT-:GUESTPORT</c>, <c>guestfwd=tcp:10.0.2.100:PORT-tcp:127.0.0.1:HOSTPORT</c>);
    /// without, no NIC.</param>
    public sealed record Options(string Kernel, string Initrd, string Append, string Disk)
    {
        public IReadOnlyDictionary<string, string> FwCfgFiles { get; init; } = new Dictionary<string, string>();
        public IReadOnlyList<string> NetworkForwards { get; init; } = [];
        public int MemoryMiB { get; init; } = 1024;
        public int Cpus { get; init; } = 2;
    }

    /// <summary>The serial console's file.</summary>
    public string ConsoleFile { get; }

    /// <summary>Time since QEMU started.</summary>
    public Stopwatch Started { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>Everything the guest wrote to its serial console so far.</summary>
    public string Console
    {
        get
        {
            if (!File.Exists(ConsoleFile))
                return "";
            using var stream = new FileStream(ConsoleFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    /// <summary>QEMU's own stdout and stderr (its errors, not the guest's).</summary>
    public string QemuOutput
    {
        get { lock (_qemuOutput) return _qemuOutput.ToString(); }
    }

    /// <summary>Starts QEMU; the console goes to <c>console.log</c> in <paramref name="workDirectory"/>.</summary>
    public static QemuVm Start(Options options, string workDirectory)
    {
        string consoleFile = Path.Combine(workDirectory, "console-" + Guid.NewGuid().ToString("N")[..8] + ".log");
        var psi = new ProcessStartInfo(ToolRunner.Locate(HostTool.QemuSystemX86))
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workDirectory,
        };
        string[] arguments =
        [
            "-machine", "q35", "-m", options.MemoryMiB + "M", "-smp", options.Cpus.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-nographic", "-no-reboot", "-monitor", "none", "-serial", "file:" + consoleFile,
            "-nic", options.NetworkForwards.Count == 0 ? "none" : string.Join(',', options.NetworkForwards.Prepend("user,model=virtio-net-pci,restrict=on")),
            "-device", "virtio-rng-pci",
            "-kernel", options.Kernel, "-initrd", options.Initrd, "-append", options.Append,
            "-drive", $"file={options.Disk},if=virtio,format=qcow2",
        ];
        foreach (string a in arguments)
            psi.ArgumentList.Add(a);
        foreach (var (name, file) in options.FwCfgFiles)
        {
            psi.ArgumentList.Add("-fw_cfg");
            psi.ArgumentList.Add($"name={name},file={file}");
        }
        var process = Process.Start(psi) ?? throw new InvalidOperationException("qemu-system-x86_64 did not start");
        var vm = new QemuVm(process, consoleFile);
        process.OutputDataReceived += (_, e) => { if (e.Data != null) lock (vm._qemuOutput) vm._qemuOutput.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data != null) lock (vm._qemuOutput) vm._qemuOutput.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return vm;
    }

    /// <summary>
    /// Waits until the console holds one of <paramref name="texts"/> and returns it, or returns null when QEMU exits or
    /// <paramref name="timeout"/> passes first.
    /// </summary>
    public string? WaitForAny(IReadOnlyList<string> texts, TimeSpan timeout)
    {
        var limit = Stopwatch.StartNew();
        while (true)
        {
            bool exited = _process.HasExited;
            string console = Poll();
            foreach (string text in texts)
                if (console.Contains(text, StringComparison.Ordinal))
                    return text;
            if (exited || limit.Elapsed > timeout)
                return null;
            Thread.Sleep(PollInterval);
        }
    }

    /// <summary>Waits for QEMU to exit (the guest powered off); false on timeout.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        var limit = Stopwatch.StartNew();
        while (!_process.WaitForExit(PollInterval))
        {
            Poll();
            if (limit.Elapsed > timeout)
                return false;
        }
        Poll();
        return true;
    }

    /// <summary>When each console line starting with "ccimage" was first seen (to the poll interval), since QEMU started.</summary>
    public string Timeline
    {
        get
        {
            Poll();
            lock (_timeline)
                return string.Join('\n', _timeline.Select(t => $"{t.At.TotalSeconds,6:F1} s  {t.Line}"));
        }
    }

    private string Poll()
    {
        string console = Console;
        TimeSpan now = Started.Elapsed;
        lock (_timeline)
            foreach (string line in console.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith("ccimage", StringComparison.Ordinal)))
                if (!_timeline.Any(t => t.Line == line))
                    _timeline.Add((now, line));
        return console;
    }

    /// <summary>The console lines starting with <paramref name="prefix"/> (e.g. <c>ccimage: </c>), in order.</summary>
    public IReadOnlyList<string> LinesStartingWith(string prefix) =>
        [.. Console.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>Kills QEMU if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
