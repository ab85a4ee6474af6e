// Writes an initramfs file: one or more cpio archives back to back (the kernel reads them in order, e.g. an
// uncompressed early archive with CPU microcode followed by the gzip-compressed main archive). Written to a temporary
// file beside the destination and renamed into place.
// Spec: Linux Documentation/driver-api/early-userspace/buffer-format.rst (concatenated and compressed archives),
// Documentation/arch/x86/microcode.rst (early load).
using CcImage.Core.Caching;
using System.IO.Compression;

namespace CcImage.Core.Cpio;

public static class InitramfsFile
{
    /// <summary>Writes the archives in order to <paramref name="destination"/>.</summary>
    public static void Write(string destination, IEnumerable<(CpioArchiveBuilder Archive, CpioCompression Compression)> parts,
        CompressionLevel level = CompressionLevel.SmallestSize, CancellationToken cancellationToken = default)
    {
        AtomicFile.Write(destination, temp =>
        {
            using var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            WriteTo(file, parts, level, cancellationToken);
        });
    }

    /// <summary>Writes the archives in order to <paramref name="output"/>.</summary>
    public static void WriteTo(Stream output, IEnumerable<(CpioArchiveBuilder Archive, CpioCompression Compression)> parts,
        CompressionLevel level = CompressionLevel.SmallestSize, CancellationToken cancellationToken = default)
    {
        foreach (var (archive, compression) in parts)
        {
            if (compression == CpioCompression.Gzip)
            {
                using var gzip = new GzipMemberStream(output, level);
                using var buffered = new BufferedStream(gzip, 1 << 16);
                archive.WriteTo(buffered, cancellationToken);
            }
            else
            {
                archive.WriteTo(output, cancellationToken);
            }
        }
    }
}
