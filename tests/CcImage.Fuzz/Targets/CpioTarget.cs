// Fuzz target: the cpio writer fed entries decoded from the input (names of any bytes, types, modes, link targets,
// hard links, contents). The archive must read back as well-formed newc, every entry once (parent folders added), and the trailer.
//
// Input encoding, repeated: kind (1 byte: 0 folder, 1 file, 2 symlink, 3 hard link, 4 character device, 5 FIFO),
// name length (1), name (UTF-8, any bytes), permissions (2, LE), uid (1), gid (1), data length (2, LE), data (content,
// link target or the hard link's existing path).
using System.Buffers.Binary;
using System.Text;
using CcImage.Core.Cpio;

namespace CcImage.Fuzz.Targets;

internal sealed class CpioTarget : IFuzzTarget
{
    public string Name => "cpio";
    public string Description => "initramfs cpio (newc) writer over hostile entries, read back by a newc reader";

    public void Run(byte[] input, string scratch)
    {
        var builder = new CpioArchiveBuilder(mtime: 1);
        foreach (var entry in Decode(input))
            builder.Add(entry);
        using var archive = new MemoryStream();
        builder.WriteTo(archive);
        var names = NewcReader.ReadNames(archive.ToArray());
        // The builder adds missing parent folders, so the archive may hold more entries than were added, never fewer,
        // and never one path twice.
        if (names.Count < builder.Count)
            throw new FuzzPropertyException($"the archive holds {names.Count} entries, the builder {builder.Count}");
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new FuzzPropertyException("the archive holds a path twice");
    }

    public IReadOnlyList<(int Start, int Length)> Focus(byte[] seed) => [];

    public static IEnumerable<CpioEntry> Decode(byte[] input)
    {
        int at = 0;
        while (at + 2 <= input.Length)
        {
            byte kind = input[at];
            int nameLength = input[at + 1];
            at += 2;
            if (at + nameLength + 6 > input.Length)
                yield break;
            string name = Encoding.UTF8.GetString(input, at, nameLength);
            at += nameLength;
            uint permissions = BinaryPrimitives.ReadUInt16LittleEndian(input.AsSpan(at));
            uint uid = input[at + 2], gid = input[at + 3];
            int dataLength = BinaryPrimitives.ReadUInt16LittleEndian(input.AsSpan(at + 4));
            at += 6;
            dataLength = Math.Min(dataLength, input.Length - at);
            byte[] data = input.AsSpan(at, dataLength).ToArray();
            at += dataLength;
            string text = Encoding.UTF8.GetString(data);
            yield return (kind % 6) switch
            {
                0 => CpioEntry.Directory(name, permissions, uid, gid),
                1 => CpioEntry.File(name, data, permissions, uid, gid),
                2 => CpioEntry.Symlink(name, text, uid, gid),
                3 => CpioEntry.HardLink(name, text),
                4 => CpioEntry.Device(name, CpioEntryType.CharDevice, uid, gid, permissions),
                _ => CpioEntry.Fifo(name, permissions, uid, gid),
            };
        }
    }

    /// <summary>The encoding <see cref="Decode"/> reads, for building seeds.</summary>
    public static byte[] Encode(IEnumerable<(byte Kind, string Name, ushort Permissions, byte[] Data)> entries)
    {
        using var output = new MemoryStream();
        Span<byte> fields = stackalloc byte[6];
        foreach (var (kind, name, permissions, data) in entries)
        {
            byte[] nameBytes = Encoding.UTF8.GetBytes(name);
            output.WriteByte(kind);
            output.WriteByte((byte)nameBytes.Length);
            output.Write(nameBytes);
            fields.Clear();
            BinaryPrimitives.WriteUInt16LittleEndian(fields, permissions);
            BinaryPrimitives.WriteUInt16LittleEndian(fields[4..], (ushort)data.Length);
            output.Write(fields);
            output.Write(data);
        }
        return output.ToArray();
    }
}
