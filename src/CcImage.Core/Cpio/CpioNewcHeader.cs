// The "new ASCII" (newc, magic 070701) cpio header: 6-byte magic and thirteen 8-digit hex fields, 110 bytes, followed
// by the NUL-terminated name and the data, each padded to a multiple of 4 bytes.
// Spec: libarchive cpio(5) "New ASCII Format"; Linux Documentation/driver-api/early-userspace/buffer-format.rst.
using System.Text;

namespace CcImage.Core.Cpio;

public readonly record struct CpioNewcHeader(
    uint Ino, uint Mode, uint Uid, uint Gid, uint Nlink, uint Mtime, uint FileSize,
    uint DevMajor, uint DevMinor, uint RdevMajor, uint RdevMinor, uint NameSize, uint Check)
{
    public const string Magic = "070701";
    public const int Size = 110;
    /// <summary>Header plus name, and data, are each padded to this many bytes.</summary>
    public const int Alignment = 4;
    public const string TrailerName = "TRAILER!!!";
    private const int FieldDigits = 8;

    /// <summary>Bytes of padding after <paramref name="length"/> bytes to reach the next multiple of 4.</summary>
    public static int PaddingAfter(long length) => (int)((Alignment - length % Alignment) % Alignment);

    /// <summary>Writes the header, the name with its NUL and the padding after them.</summary>
    public void WriteWithName(Stream output, byte[] nameUtf8)
    {
        var text = new StringBuilder(Size, Size);
        text.Append(Magic);
        foreach (uint field in new[] { Ino, Mode, Uid, Gid, Nlink, Mtime, FileSize, DevMajor, DevMinor, RdevMajor, RdevMinor, NameSize, Check })
            text.Append(field.ToString("X" + FieldDigits, System.Globalization.CultureInfo.InvariantCulture));
        output.Write(Encoding.ASCII.GetBytes(text.ToString()));
        output.Write(nameUtf8);
        output.WriteByte(0);
        WritePadding(output, Size + nameUtf8.Length + 1);
    }

    public static void WritePadding(Stream output, long length)
    {
        Span<byte> zeros = stackalloc byte[Alignment];
        zeros.Clear();
        output.Write(zeros[..PaddingAfter(length)]);
    }
}
