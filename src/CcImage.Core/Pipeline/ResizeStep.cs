// ResizeQcow2 in Build: grows InstallNvflare's image to CcImageSize, and HardenImage grows its own image through the
// same Grow, so the two images users get have the same virtual size and the same shape. The growth goes to the last
// partition of the layout (ImageResizer with the GPT grown: backup GPT moved, last partition extended), which must be
// one formatted at boot — the default layout's dynamic partition — so no file system needs resizing: the init makes
// the file system over the whole partition. The image's size before growth is kept in <obj>/stages/<step>.resize.json,
// so "+5G" counts from the assembled size and a smaller CcImageSize than before re-makes the image from the stage
// cache (a qcow2 image never shrinks in place).
using System.Text.Json;
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Layout;
using CcImage.Core.Qcow2;

namespace CcImage.Core.Pipeline;

public static class ResizeStep
{
    public const string Name = "ResizeQcow2";

    private const string RecordExtension = ".resize.json";

    /// <summary>Grows the image InstallNvflare wrote (CCIMG1267 when there is none yet).</summary>
    public static void Run(PipelineContext context)
    {
        var project = context.Project;
        var record = StageRecord.TryRead(StageRecord.PathFor(context.StagesDirectory, InstallNvflareStep.Name));
        if (record == null || !File.Exists(record.Image))
            throw Diag.Error(nameof(Strings.ResizeNeedsStageImage), InstallNvflareStep.Name);
        Grow(context, record, PartitionLayout.Resolve(project), () =>
        {
            File.Delete(record.Image);
            return InstallNvflareStep.Run(context);
        });
    }

    /// <summary>
    /// Grows <paramref name="record"/>'s image to CcImageSize. <paramref name="remake"/> writes the stage's image anew at
    /// its assembled size (from the cache) when it was grown to another size before.
    /// </summary>
    public static void Grow(PipelineContext context, StageRecord record, IReadOnlyList<LayoutPartition> layout, Func<StageRecord> remake)
    {
        string sizeText = context.Project.Settings["CcImageSize"];
        var (relative, bytes) = SizeParser.ParseRelative(sizeText, "CcImageSize");
        var last = layout[^1];
        if (!last.FormattedAtBoot)
            throw Diag.At(last.File, last.Line, nameof(Strings.ImageSizeLastPartition), last.Name,
                Boot.PartitionProtectionNames.Format(last.Protection));

        string recordPath = Path.ChangeExtension(StageRecord.PathFor(context.StagesDirectory, record.Step), RecordExtension);
        var previous = File.Exists(recordPath) ? JsonSerializer.Deserialize(File.ReadAllText(recordPath), PipelineJsonContext.Default.ResizeRecord) : null;
        long current = VirtualSize(record.Image);
        long assembled = previous?.DiskKey == record.DiskKey ? previous.AssembledSize : current;
        long target = relative ? checked(assembled + bytes) : bytes;
        if (target < assembled)
            throw Diag.Error(nameof(Strings.ImageSizeTooSmall), Path.GetFileName(record.Image), assembled, sizeText);
        if (current != target && current != assembled)
        {
            context.Log.Info($"{Path.GetFileName(record.Image)} was grown to {current} bytes before; writing it anew to grow it to {target}.");
            record = remake();
            current = VirtualSize(record.Image);
        }
        if (current != target)
            ImageResizer.GrowQcow2(record.Image, target.ToString(System.Globalization.CultureInfo.InvariantCulture), growGpt: true,
                context.Log, "CcImageSize", context.CancellationToken);
        else
            context.Log.Info($"{Path.GetFileName(record.Image)} has the virtual size {target} (CcImageSize {sizeText}).");
        OutputFiles.WriteTextIfChanged(recordPath, JsonSerializer.Serialize(new ResizeRecord(record.DiskKey, assembled, target), PipelineJsonContext.Default.ResizeRecord) + "\n");
    }

    private static long VirtualSize(string image)
    {
        using var qcow2 = Qcow2Image.Open(image);
        return qcow2.Length;
    }

    /// <summary>The disk key the image was assembled with, its size then, and the size it was grown to.</summary>
    internal sealed record ResizeRecord(string DiskKey, long AssembledSize, long Size);
}
