// Grows a qcow2 disk image in place and, optionally, its GPT with it: the backup GPT moves to the new end and the last
// partition is extended. Transactional: everything it will touch is checked before the first byte is written — the
// image's tables and refcounts as strictly as `qemu-img check` (Qcow2Image), the size, both GPT headers against each
// other and the MBR (GptResize.Plan), and every cluster the GPT writes land in — and every write goes through the
// image's undo journal, so a failure, a cancellation or a kill leaves the image byte-identical (after a kill, the next
// open rolls it back).
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Gpt;
using CcImage.Core.Qcow2;

namespace CcImage.Core.Disk;

public static class ImageResizer
{
    /// <summary>
    /// Grows the qcow2 image at <paramref name="path"/> to <paramref name="sizeText"/> (<c>20G</c>, bytes, or <c>+5G</c>).
    /// Returns false, writing nothing, when the image already has that size. <paramref name="sizeSetting"/> names the
    /// size in errors in the words of the caller (<c>CcImageSize</c>, <c>SIZE</c>).
    /// </summary>
    public static bool GrowQcow2(string path, string sizeText, bool growGpt, ILog log, string sizeSetting = "the new virtual size",
        CancellationToken cancellationToken = default)
    {
        InputFile.Require(path, "the image to resize");
        SizeParser.ParseRelative(sizeText, sizeSetting);
        using var image = Qcow2Image.Open(path, writable: true, what: "the image to resize");
        long newSize = image.ResolveNewSize(sizeText, sizeSetting);
        if (newSize == image.Length)
        {
            log.Info($"{path} already has a virtual size of {newSize} bytes; nothing to do.");
            return false;
        }
        if (newSize < image.Length)
            throw Diag.Error(nameof(Strings.Qcow2ShrinkRefused), path, image.Length, newSize);
        if (newSize % Qcow2Format.SectorSize != 0)
            throw Diag.Error(nameof(Strings.Qcow2SizeNotAligned), newSize, path);
        Qcow2Writer.ValidateVirtualSize(newSize, image.ClusterSize, sizeSetting);

        IReadOnlyList<DiskWrite> gptWrites = [];
        if (growGpt)
        {
            gptWrites = GptResize.Plan(image, newSize, extendLastPartition: true, path);
            foreach (var w in gptWrites)
                image.CheckWritable(w.Offset, w.Bytes.Length);
        }
        cancellationToken.ThrowIfCancellationRequested();

        try
        {
            image.Grow(newSize);
            foreach (var w in gptWrites)
            {
                cancellationToken.ThrowIfCancellationRequested();
                image.WriteAt(w.Offset, w.Bytes);
            }
            cancellationToken.ThrowIfCancellationRequested();
            image.Flush();
        }
        catch
        {
            image.Rollback();
            throw;
        }
        log.Info($"Grew {path} to a virtual size of {newSize} bytes{(growGpt ? "; moved the backup GPT and extended the last partition" : "")}.");
        return true;
    }
}
