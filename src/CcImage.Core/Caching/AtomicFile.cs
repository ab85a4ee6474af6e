// Writes a file so that its final path only ever holds a complete file: write to a temp path beside it, then rename.
//
// Temp files are named after the output, `OUT.tmp-<pid>-<random>` (pid of the writing process), in the output's folder.
// Before writing, a run removes the temps of the same output whose process is gone (left by a run that was killed),
// so debris never accumulates; the SDK's Clean target removes `*.tmp-*` from the output folder too (docs/sdk.md).
using System.Globalization;
using System.Runtime.InteropServices;
using CcImage.Core.Config;
using CcImage.Core.Cpio;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Caching;

public static partial class AtomicFile
{
    /// <summary>What separates an output's name from the rest of its temp names: OUT + TempMarker + pid-random.</summary>
    public const string TempMarker = ".tmp-";

    /// <summary>Temps of earlier versions were hidden, `.OUT.tmp-<random>`, without a pid; removed once this old.</summary>
    private static readonly TimeSpan LegacyTempAge = TimeSpan.FromMinutes(10);

    private const int AccessWriteOk = 2;

    /// <summary>A unique temp path in the same folder as <paramref name="destination"/> (same file system, so rename is atomic).</summary>
    public static string TempPathFor(string destination)
    {
        string full = Path.GetFullPath(destination);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        return TempPath(full, Environment.ProcessId, Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>The temp path for <paramref name="destination"/> written by process <paramref name="pid"/>.</summary>
    internal static string TempPath(string destination, int pid, string suffix) =>
        Path.GetFullPath(destination) + TempMarker + pid.ToString(CultureInfo.InvariantCulture) + "-" + suffix;

    /// <summary>
    /// Throws unless <paramref name="destination"/> can be replaced: CCIMG1154 when it is a folder, CCIMG1155 when it is
    /// read-only, and with <paramref name="createFolder"/> false CCIMG1153 when its folder does not exist.
    /// <paramref name="what"/> names it in the messages (a CLI argument or a property).
    /// </summary>
    public static void CheckDestination(string destination, string what, bool createFolder)
    {
        string full = Path.GetFullPath(destination);
        string dir = Path.GetDirectoryName(full)!;
        if (!createFolder && !Directory.Exists(dir))
            throw Diag.Error(nameof(Strings.OutputFolderMissing), dir, destination, what);
        if (Directory.Exists(full))
            throw Diag.Error(nameof(Strings.OutputIsFolder), destination, what);
        if (File.Exists(full) && IsReadOnly(full))
            throw Diag.Error(nameof(Strings.OutputReadOnly), destination, what);
    }

    /// <summary>Throws CCIMG1156 when <paramref name="output"/> names the same file as <paramref name="input"/> (path or inode).</summary>
    public static void RefuseSameFile(string input, string output, string inputWhat, string outputWhat)
    {
        if (FileIdentity.AreSame(input, output))
            throw Diag.Error(nameof(Strings.OutputIsInput), output, outputWhat, input, inputWhat);
    }

    /// <summary>Runs <paramref name="write"/> on a temp path and moves the result to <paramref name="destination"/>; on any failure (or cancellation) the temp is deleted.</summary>
    public static void Write(string destination, Action<string> write) =>
        Write(destination, temp => { write(temp); return true; });

    /// <summary>As <see cref="Write(string, Action{string})"/>, returning what <paramref name="write"/> returns.</summary>
    public static T Write<T>(string destination, Func<string, T> write)
    {
        CheckDestination(destination, Path.GetFileName(destination), createFolder: true);
        RemoveStaleTemps(destination);
        string temp = TempPathFor(destination);
        try
        {
            T result = write(temp);
            File.Move(temp, Path.GetFullPath(destination), overwrite: true);
            return result;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public static void WriteAllText(string destination, string text) =>
        Write(destination, temp => File.WriteAllText(temp, text));

    public static void WriteAllBytes(string destination, byte[] bytes) =>
        Write(destination, temp => File.WriteAllBytes(temp, bytes));

    /// <summary>
    /// Deletes the temps of <paramref name="destination"/> left by processes that no longer run (and hidden temps of
    /// earlier versions older than ten minutes). Returns how many were removed.
    /// </summary>
    public static int RemoveStaleTemps(string destination)
    {
        string full = Path.GetFullPath(destination);
        string dir = Path.GetDirectoryName(full)!;
        string name = Path.GetFileName(full);
        if (!Directory.Exists(dir))
            return 0;
        int removed = 0;
        IEnumerable<string> candidates;
        try
        {
            candidates = Directory.EnumerateFiles(dir, name + TempMarker + "*")
                .Concat(Directory.EnumerateFiles(dir, "." + name + TempMarker + "*")).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
        foreach (string temp in candidates)
        {
            string file = Path.GetFileName(temp);
            bool stale;
            if (file.StartsWith('.'))
                stale = DateTime.UtcNow - File.GetLastWriteTimeUtc(temp) > LegacyTempAge;
            else
                stale = TryParsePid(file[(name.Length + TempMarker.Length)..], out int pid) && !ProcessIsAlive(pid);
            if (stale && TryDelete(temp))
                removed++;
        }
        return removed;
    }

    /// <summary>Reads the pid from "pid-random".</summary>
    internal static bool TryParsePid(string pidAndSuffix, out int pid)
    {
        int dash = pidAndSuffix.IndexOf('-', StringComparison.Ordinal);
        return int.TryParse(dash < 0 ? pidAndSuffix : pidAndSuffix[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out pid);
    }

    /// <summary>Whether a process with this id runs (on Linux, /proc/pid exists).</summary>
    public static bool ProcessIsAlive(int pid)
    {
        if (pid == Environment.ProcessId)
            return true;
        if (OperatingSystem.IsLinux())
            return Directory.Exists("/proc/" + pid.ToString(CultureInfo.InvariantCulture));
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            File.Delete(path);
            return true;
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    private static bool IsReadOnly(string path)
    {
        if (OperatingSystem.IsWindows())
            return new FileInfo(path).IsReadOnly;
        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        if ((File.GetUnixFileMode(path) & anyWrite) == 0)
            return true; // root could write it, but a read-only file is a request not to replace it
        return Access(path, AccessWriteOk) != 0;
    }

    [LibraryImport("libc", EntryPoint = "access", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Access(string path, int mode);
}
