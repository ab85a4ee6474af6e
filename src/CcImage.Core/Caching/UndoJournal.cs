// The undo record of an in-place change (qcow2 resize, a verity hash area appended to an image): before each write
// over bytes the file already had, their old contents are appended to a journal beside it, `IMG.undo-<pid>`, and made
// durable; bytes past the original end need no copy (the file is cut back to its original length). A failure or
// cancellation rolls the file back from the journal in this process; after a kill, the next run that opens the file
// finds the journal of a process that no longer runs and rolls back first. Success flushes the file and deletes the
// journal. So a failed change leaves the file byte-identical, whatever stopped it.
//
// Journal format (little-endian): 16-byte magic "CCIMG-UNDO-1" padded with NULs, int64 original length, uint32
// CRC-32 of the 24 bytes before it; then records of int64 offset, int32 length, the old bytes, uint32 CRC-32 of the
// record so far. A record cut short by a kill is ignored: its write had not started.
using System.Buffers.Binary;
using System.Globalization;
using System.IO.Hashing;
using CcImage.Core.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Caching;

public sealed class UndoJournal : IDisposable
{
    /// <summary>What separates the file's name from the journal's: IMG + Marker + pid.</summary>
    public const string Marker = ".undo-";

    /// <summary>Test hook: SIGKILL this process after this many journaled writes (crash-consistency tests only).</summary>
    public const string KillAfterWritesVariable = "CCIMAGE_TEST_KILL_AFTER_WRITES";

    private static readonly byte[] Magic = "CCIMG-UNDO-1\0\0\0\0"u8.ToArray();
    private const int HeaderLength = 16 + sizeof(long) + sizeof(uint);
    private const int RecordHeaderLength = sizeof(long) + sizeof(int);
    private const int MaxRecordBytes = 1 << 20;

    private readonly SafeFileHandle _target;
    private readonly FileStream _journal;
    private int _killCountdown;
    private bool _finished;

    private UndoJournal(string targetPath, SafeFileHandle target, string journalPath, FileStream journal, long originalLength)
    {
        TargetPath = targetPath;
        _target = target;
        JournalPath = journalPath;
        _journal = journal;
        OriginalLength = originalLength;
        string? kill = Environment.GetEnvironmentVariable(KillAfterWritesVariable);
        _killCountdown = int.TryParse(kill, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : -1;
    }

    public string TargetPath { get; }
    public string JournalPath { get; }

    /// <summary>The file's length before the change.</summary>
    public long OriginalLength { get; }

    /// <summary>The journal path for <paramref name="targetPath"/> written by process <paramref name="pid"/>.</summary>
    public static string PathFor(string targetPath, int pid) =>
        Path.GetFullPath(targetPath) + Marker + pid.ToString(CultureInfo.InvariantCulture);

    /// <summary>Starts the journal of a change to <paramref name="target"/> (open for writing; nothing written to it yet).</summary>
    public static UndoJournal Begin(string targetPath, SafeFileHandle target)
    {
        string journalPath = PathFor(targetPath, Environment.ProcessId);
        long length = RandomAccess.GetLength(target);
        var journal = new FileStream(journalPath, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        try
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            Magic.CopyTo(header);
            BinaryPrimitives.WriteInt64LittleEndian(header[16..], length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[24..], Crc32.HashToUInt32(header[..24]));
            journal.Write(header);
            journal.Flush(flushToDisk: true);
            return new UndoJournal(targetPath, target, journalPath, journal, length);
        }
        catch
        {
            journal.Dispose();
            AtomicFile.TryDelete(journalPath);
            throw;
        }
    }

    /// <summary>Records the current bytes of [offset, offset+length) that lie inside the original file.</summary>
    public void Save(long offset, long length)
    {
        long end = Math.Min(offset + length, OriginalLength);
        if (offset >= end)
            return;
        var buffer = new byte[(int)Math.Min(end - offset, MaxRecordBytes)];
        for (long at = offset; at < end; at += buffer.Length)
        {
            int n = (int)Math.Min(buffer.Length, end - at);
            int got = ReadUpTo(_target, buffer.AsSpan(0, n), at);
            AppendRecord(at, buffer.AsSpan(0, got));
        }
        _journal.Flush(flushToDisk: true);
    }

    /// <summary>Saves what <paramref name="data"/> will overwrite, then writes it.</summary>
    public void Write(ReadOnlySpan<byte> data, long offset)
    {
        Save(offset, data.Length);
        RandomAccess.Write(_target, data, offset);
        CountWrite();
    }

    /// <summary>Writes several buffers at consecutive offsets (one vectored write), saving what they overwrite first.</summary>
    public void Write(IReadOnlyList<ReadOnlyMemory<byte>> buffers, long offset)
    {
        long total = 0;
        foreach (var b in buffers)
            total += b.Length;
        Save(offset, total);
        RandomAccess.Write(_target, buffers, offset);
        CountWrite();
    }

    /// <summary>Sets the file's length (only at or past the original length, which rollback restores).</summary>
    public void SetLength(long length)
    {
        if (length < OriginalLength)
            Save(length, OriginalLength - length);
        RandomAccess.SetLength(_target, length);
        CountWrite();
    }

    /// <summary>Makes the change durable and deletes the journal.</summary>
    public void Commit()
    {
        RandomAccess.FlushToDisk(_target);
        _finished = true;
        _journal.Dispose();
        File.Delete(JournalPath);
    }

    /// <summary>Restores the file to its state at <see cref="Begin"/> and deletes the journal.</summary>
    public void Rollback()
    {
        if (_finished)
            return;
        _journal.Flush();
        _journal.Position = 0;
        Apply(_journal, _target, JournalPath);
        _finished = true;
        _journal.Dispose();
        File.Delete(JournalPath);
    }

    /// <summary>Rolls back unless <see cref="Commit"/> ran.</summary>
    public void Dispose()
    {
        if (!_finished)
            Rollback();
    }

    /// <summary>
    /// Before a file is opened: rolls back the changes of journals beside <paramref name="targetPath"/> whose process no
    /// longer runs (a killed run), and throws CCIMG2504 when a running process is changing it.
    /// </summary>
    public static void RecoverInterrupted(string targetPath)
    {
        string full = Path.GetFullPath(targetPath);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir))
            return;
        foreach (string journalPath in Directory.EnumerateFiles(dir, Path.GetFileName(full) + Marker + "*").ToList())
        {
            string pidText = journalPath[(full.Length + Marker.Length)..];
            if (!int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                continue;
            if (pid != Environment.ProcessId && AtomicFile.ProcessIsAlive(pid))
                throw Diag.Error(nameof(Strings.InPlaceChangeRunning), targetPath, pid, journalPath);
            using (var journal = new FileStream(journalPath, FileMode.Open, FileAccess.Read, FileShare.Read))
            using (var target = File.OpenHandle(full, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                Apply(journal, target, journalPath);
            File.Delete(journalPath);
        }
    }

    /// <summary>Applies the journal's records newest first, then cuts the file back to its original length.</summary>
    private static void Apply(Stream journal, SafeFileHandle target, string journalPath)
    {
        var header = new byte[HeaderLength];
        if (!TryReadExactly(journal, header))
            return; // killed while the header was written: no write to the file had started
        if (!header.AsSpan(0, 16).SequenceEqual(Magic)
            || BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(24)) != Crc32.HashToUInt32(header.AsSpan(0, 24)))
            throw Diag.Error(nameof(Strings.UndoJournalInvalid), journalPath, "its header is damaged");
        long originalLength = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));

        var records = new List<(long Offset, byte[] Bytes)>();
        var recordHeader = new byte[RecordHeaderLength];
        var crcBytes = new byte[sizeof(uint)];
        while (TryReadExactly(journal, recordHeader))
        {
            long offset = BinaryPrimitives.ReadInt64LittleEndian(recordHeader);
            int length = BinaryPrimitives.ReadInt32LittleEndian(recordHeader.AsSpan(sizeof(long)));
            if (offset < 0 || length < 0 || length > MaxRecordBytes)
                break;
            var bytes = new byte[length];
            if (!TryReadExactly(journal, bytes) || !TryReadExactly(journal, crcBytes))
                break;
            var crc = new Crc32();
            crc.Append(recordHeader);
            crc.Append(bytes);
            if (crc.GetCurrentHashAsUInt32() != BinaryPrimitives.ReadUInt32LittleEndian(crcBytes))
                break; // torn: its write had not started
            records.Add((offset, bytes));
        }
        for (int i = records.Count - 1; i >= 0; i--)
            RandomAccess.Write(target, records[i].Bytes, records[i].Offset);
        if (RandomAccess.GetLength(target) != originalLength)
            RandomAccess.SetLength(target, originalLength);
        RandomAccess.FlushToDisk(target);
    }

    private void AppendRecord(long offset, ReadOnlySpan<byte> bytes)
    {
        Span<byte> recordHeader = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteInt64LittleEndian(recordHeader, offset);
        BinaryPrimitives.WriteInt32LittleEndian(recordHeader[sizeof(long)..], bytes.Length);
        var crc = new Crc32();
        crc.Append(recordHeader);
        crc.Append(bytes);
        Span<byte> crcBytes = stackalloc byte[sizeof(uint)];
        BinaryPrimitives.WriteUInt32LittleEndian(crcBytes, crc.GetCurrentHashAsUInt32());
        _journal.Write(recordHeader);
        _journal.Write(bytes);
        _journal.Write(crcBytes);
    }

    private void CountWrite()
    {
        if (_killCountdown > 0 && --_killCountdown == 0)
            System.Diagnostics.Process.GetCurrentProcess().Kill();
    }

    private static int ReadUpTo(SafeFileHandle file, Span<byte> buffer, long offset)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = RandomAccess.Read(file, buffer[done..], offset + done);
            if (n == 0)
                break;
            done += n;
        }
        return done;
    }

    private static bool TryReadExactly(Stream stream, byte[] buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            int n = stream.Read(buffer, done, buffer.Length - done);
            if (n == 0)
                return false;
            done += n;
        }
        return true;
    }
}
