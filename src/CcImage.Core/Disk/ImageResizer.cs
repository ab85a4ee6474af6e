// Grows a qcow2 disk image in place and, optionally, its GPT with it: the backup GPT moves to the new end and the last
// partition is extended. Every check (size text, shrink, a valid GPT) happens before the first byte is written.
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Gpt;
using CcImage.Core.Qcow2;

namespace CcImage.Core.Disk;

public static class ImageResizer
{
    /// <summary>
    /// Grows the qcow2 image at <paramref name="path"/> to <paramref name="sizeText"/> (<c>20G</c>, bytes, or <c>+5G</c>).
    /// Returns false, writing nothing, when the image already has that size.
    /// </summary>
    public static bool GrowQcow2(string path, string sizeText, bool growGpt, ILog log)
    {
        InputFile.Require(path, "the image to resize");
        SizeParser.ParseRelative(sizeText, "the new virtual size");
        using var image = Qcow2Image.Open(path, writable: true);
        long newSize = image.ResolveNewSize(sizeText);
        if (newSize == image.Length)
        {
            log.Info($"{path} already has a virtual size of {newSize} bytes; nothing to do.");
            return false;
        }
        if (growGpt)
            GptReader.Read(image, path); // no valid GPT: refuse before changing anything
        image.Grow(newSize);
        if (growGpt)
            GptResize.GrowToEnd(image, extendLastPartition: true);
        image.Flush();
        log.Info($"Grew {path} to a virtual size of {newSize} bytes{(growGpt ? "; moved the backup GPT and extended the last partition" : "")}.");
        return true;
    }
}
