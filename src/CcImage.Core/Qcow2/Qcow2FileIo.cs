// Positional reads and writes on a qcow2 file that turn a short read into CCIMG2003 (truncated image).
using System.Buffers.Binary;
using CcImage.Core.Diagnostics;
using Microsoft.Win32.SafeHandles;

namespace CcImage.Core.Qcow2;

/// <summary>Writes bytes at a file offset (the image's journaled writer, so every change can be rolled back).</summary>
internal delegate void Qcow2FileWriter(ReadOnlySpan<byte> data, long offset);

internal static class Qcow2FileIo
{
    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes or throws CCIMG2003 naming <paramref name="what"/>.</summary>
    public static void ReadExactly(SafeFileHandle file, long offset, Span<byte> buffer, string path, string what)
    {
        int done = ReadUpTo(file, offset, buffer);
        if (done < buffer.Length)
            throw Diag.Error(nameof(Strings.Qcow2Truncated), path, RandomAccess.GetLength(file), what);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the file ends; returns the bytes read.</summary>
    public static int ReadUpTo(SafeFileHandle file, long offset, Span<byte> buffer)
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

    /// <summary>Reads a table of big-endian 64-bit entries.</summary>
    public static ulong[] ReadTable(SafeFileHandle file, long offset, long entries, string path, string what)
    {
        var bytes = new byte[entries * Qcow2Format.TableEntrySize];
        ReadExactly(file, offset, bytes, path, what);
        var table = new ulong[entries];
        for (long i = 0; i < entries; i++)
            table[i] = BinaryPrimitives.ReadUInt64BigEndian(bytes.AsSpan((int)(i * Qcow2Format.TableEntrySize)));
        return table;
    }

    /// <summary>Writes one big-endian 64-bit table entry.</summary>
    public static void WriteEntry(Qcow2FileWriter write, long offset, ulong value)
    {
        Span<byte> bytes = stackalloc byte[Qcow2Format.TableEntrySize];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, value);
        write(bytes, offset);
    }

    /// <summary>Writes a table of big-endian 64-bit entries padded with zeros to <paramref name="byteLength"/>.</summary>
    public static void WriteTable(Qcow2FileWriter write, long offset, ulong[] table, long byteLength)
    {
        var bytes = new byte[byteLength];
        for (int i = 0; i < table.Length; i++)
            BinaryPrimitives.WriteUInt64BigEndian(bytes.AsSpan(i * Qcow2Format.TableEntrySize), table[i]);
        write(bytes, offset);
    }
}
