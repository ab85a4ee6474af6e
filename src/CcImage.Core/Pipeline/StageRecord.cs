// What an image step leaves for the steps after it, in <obj>/stages/<step>.json: the image it wrote, the key of the
// root tree it was built from, its boot files and measured command line, each partition's protection and root hash,
// and every file it wrote (for Clean and manifest.json). Rewritten only when its content changes, so MSBuild's
// Inputs/Outputs of later targets see a change only when there is one.
using System.Text.Json;
using System.Text.Json.Serialization;
using CcImage.Core.Caching;

namespace CcImage.Core.Pipeline;

public sealed record StageRecord
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = PipelineJsonContext.Default,
    };

    /// <summary>The record's serializer metadata with <see cref="Options"/> (source-generated: the NativeAOT tool has no
    /// reflection-based System.Text.Json).</summary>
    private static System.Text.Json.Serialization.Metadata.JsonTypeInfo<StageRecord> TypeInfo =>
        (System.Text.Json.Serialization.Metadata.JsonTypeInfo<StageRecord>)Options.GetTypeInfo(typeof(StageRecord));

    public required string Step { get; init; }

    /// <summary>The qcow2 image the step wrote.</summary>
    public required string Image { get; init; }

    /// <summary>The key of the disk: equal keys mean byte-identical images, so an unchanged disk is not rewritten.</summary>
    public required string DiskKey { get; init; }

    /// <summary>The cache key of the root tree the image holds (null for a disk without a root filesystem).</summary>
    public string? TreeKey { get; init; }

    public string? Kernel { get; init; }
    public string? Initrd { get; init; }

    /// <summary>The full kernel command line the boot chain needs, as measured.</summary>
    public string? Cmdline { get; init; }

    public IReadOnlyList<RecordedPartition> Partitions { get; init; } = [];

    /// <summary>Every file the step wrote into the output folder.</summary>
    public IReadOnlyList<string> Outputs { get; init; } = [];

    public sealed record RecordedPartition(string Name, string Label, string Protection, string? MountPoint, string? RootHash);

    public static string PathFor(string stagesDirectory, string step) => Path.Combine(stagesDirectory, step + ".json");

    public static StageRecord? TryRead(string path) =>
        File.Exists(path) ? JsonSerializer.Deserialize(File.ReadAllText(path), TypeInfo) : null;

    /// <summary>Writes the record unless the file already holds the same text; returns whether it wrote.</summary>
    public bool Write(string path)
    {
        string json = JsonSerializer.Serialize(this, TypeInfo) + "\n";
        if (File.Exists(path) && File.ReadAllText(path) == json)
            return false;
        AtomicFile.WriteAllText(path, json);
        return true;
    }
}
