// Reads a YAML partition layout (CcLayoutFile) for users who keep one instead of CcPartition items:
//   partitions:
//     - name: root
//       mountPoint: /
//       protection: verity
// Each key is a CcPartition metadata name (any case; `name` is the Include). Errors carry the file and line.
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace CcImage.Core.Layout;

public static class LayoutFile
{
    public sealed record Declared(PartitionSpec Spec, string File, int Line);

    public static IReadOnlyList<Declared> Read(string path)
    {
        InputFile.Require(path, "CcLayoutFile", InputFile.MaxTextBytes);
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException e)
        {
            throw Diag.At(path, (int)e.Start.Line, nameof(Strings.LayoutFileInvalid), path, e.Start.Line, e.InnerException?.Message ?? e.Message);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
            || !root.Children.TryGetValue(new YamlScalarNode("partitions"), out var list) || list is not YamlSequenceNode sequence)
            throw Diag.At(path, 1, nameof(Strings.LayoutFileInvalid), path, 1, "it needs a top-level 'partitions:' list");

        var result = new List<Declared>();
        foreach (var node in sequence)
        {
            int line = (int)node.Start.Line;
            if (node is not YamlMappingNode map)
                throw Diag.At(path, line, nameof(Strings.LayoutFileInvalid), path, line, "each partition is a mapping of metadata names to values");
            var values = new Dictionary<string, string>(StringComparer.Ordinal);
            string? name = null;
            foreach (var (keyNode, valueNode) in map.Children)
            {
                string key = ((YamlScalarNode)keyNode).Value ?? "";
                int keyLine = (int)keyNode.Start.Line;
                string value = valueNode switch
                {
                    YamlScalarNode s => s.Value ?? "",
                    YamlSequenceNode seq => string.Join(';', seq.Children.OfType<YamlScalarNode>().Select(c => c.Value)),
                    _ => throw Diag.At(path, keyLine, nameof(Strings.LayoutFileInvalid), path, keyLine, $"'{key}' needs a plain value"),
                };
                if (key.Equals("name", StringComparison.OrdinalIgnoreCase))
                {
                    name = value;
                    continue;
                }
                string? metadata = PartitionSpec.MetadataNames.FirstOrDefault(m => m.Equals(key, StringComparison.OrdinalIgnoreCase)
                    || (m == "PartitionLabel" && key.Equals("label", StringComparison.OrdinalIgnoreCase)));
                if (metadata == null)
                    throw Diag.At(path, keyLine, nameof(Strings.LayoutFileUnknownKey), path, keyLine, key,
                        string.Join(", ", PartitionSpec.MetadataNames.Prepend("name")));
                values[metadata] = value;
            }
            if (string.IsNullOrWhiteSpace(name))
                throw Diag.At(path, line, nameof(Strings.LayoutFileInvalid), path, line, "a partition has no 'name'");
            result.Add(new Declared(PartitionSpec.FromMetadata(name, values.GetValueOrDefault), path, line));
        }
        return result;
    }
}
