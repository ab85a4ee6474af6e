// Hashes the kernel, the initrd and the command line for the kernel hashes table, split over two threads so that a
// measurement costs little more than its longest single hash: the larger file is hashed on a thread of its own from
// the start, the smaller one by the caller when it collects the table, after the caller's own work (the firmware's
// pages). Three or more concurrent hash chains on a two-core machine only slow the longest one down.
using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using CcImage.Core.Config;
using CcImage.Core.Hashing;

namespace CcImage.Core.Snp;

public sealed class KernelHashesJob
{
    private readonly string _kernelPath;
    private readonly string? _initrdPath;
    private readonly string? _append;
    private readonly bool _initrdOnThread;
    private readonly Thread _thread;
    private byte[]? _threadResult;
    private ExceptionDispatchInfo? _threadFailure;
    private SevHashTable? _table;

    private KernelHashesJob(string kernelPath, string? initrdPath, string? append)
    {
        _kernelPath = kernelPath;
        _initrdPath = string.IsNullOrEmpty(initrdPath) ? null : initrdPath;
        _append = append;
        long kernelSize = new FileInfo(kernelPath).Length;
        long initrdSize = _initrdPath is null ? 0 : new FileInfo(_initrdPath).Length;
        _initrdOnThread = initrdSize > kernelSize;
        string onThread = _initrdOnThread ? _initrdPath! : kernelPath;
        _thread = new Thread(() =>
        {
            try { _threadResult = FileHash.Sha256Mapped(onThread); }
            catch (Exception e) { _threadFailure = ExceptionDispatchInfo.Capture(e); }
        })
        {
            IsBackground = true,
            Name = "ccimage hash",
        };
        _thread.Start();
    }

    /// <summary>Checks the files (CCIMG1003/1150/1151) and starts hashing the larger one.</summary>
    public static KernelHashesJob Start(string kernelPath, string? initrdPath, string? append)
    {
        InputFile.Require(kernelPath, "the kernel", InputFile.MaxKernelBytes);
        if (!string.IsNullOrEmpty(initrdPath))
            InputFile.Require(initrdPath, "the initrd", InputFile.MaxInitrdBytes);
        return new KernelHashesJob(kernelPath, initrdPath, append);
    }

    /// <summary>The table: hashes the smaller file and the command line on the calling thread, then waits for the
    /// larger file (its failure, e.g. a read error, is rethrown here).</summary>
    public SevHashTable Result()
    {
        if (_table is not null)
            return _table;
        byte[] smaller = _initrdOnThread ? FileHash.Sha256Mapped(_kernelPath)
            : _initrdPath is null ? SHA256.HashData(ReadOnlySpan<byte>.Empty) : FileHash.Sha256Mapped(_initrdPath);
        byte[] cmdline = SHA256.HashData(LaunchDigestCalculator.CommandLineBytes(_append));
        _thread.Join();
        _threadFailure?.Throw();
        byte[] larger = _threadResult!;
        _table = _initrdOnThread ? new SevHashTable(cmdline, larger, smaller) : new SevHashTable(cmdline, smaller, larger);
        return _table;
    }
}
