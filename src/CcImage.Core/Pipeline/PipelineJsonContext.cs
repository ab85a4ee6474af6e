// Source-generated JSON metadata for what the pipeline keeps on disk (stage records, partition cache entries, the
// kernel version, a site's docker-archive facts). The ccimage tool is published with NativeAOT, where reflection-based
// System.Text.Json is switched off; every serializer option the pipeline uses resolves its types here.
using System.Text.Json.Serialization;

namespace CcImage.Core.Pipeline;

[JsonSerializable(typeof(StageRecord))]
[JsonSerializable(typeof(PartitionImageBuilder.PartitionInfo))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ResizeStep.ResizeRecord))]
[JsonSerializable(typeof(Provisioning.CvmSite.RememberedArchive))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
