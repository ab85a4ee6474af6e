// Task: records a stage's input fingerprint (settings + files) in obj/, rewriting it only when it changed, so the stage's
// Inputs/Outputs check reruns the stage exactly when one of its inputs changed.
using CcImage.Core.Caching;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class WriteInputFingerprint : CcTask
{
    /// <summary>Where the fingerprint record is written.</summary>
    [Required]
    public string Path { get; set; } = "";

    /// <summary>Named settings: ItemSpec is the name, metadata Value the value.</summary>
    public ITaskItem[] Settings { get; set; } = [];

    /// <summary>Items whose identity and every custom metadata are part of the fingerprint (e.g. CcPartition).</summary>
    public ITaskItem[] Items { get; set; } = [];

    /// <summary>Files or folders whose contents (recursively: path, mode, length, time) are part of the fingerprint.</summary>
    public ITaskItem[] InputPaths { get; set; } = [];

    [Output]
    public bool Changed { get; set; }

    protected override void ExecuteCore()
    {
        var fingerprint = new InputFingerprint();
        foreach (var s in Settings)
            fingerprint.Add("setting:" + s.ItemSpec, s.GetMetadata("Value"));
        for (int i = 0; i < Items.Length; i++)
        {
            var item = Items[i];
            string key = $"item:{i:D4}:{item.ItemSpec}";
            fingerprint.Add(key, "");
            foreach (string name in item.CloneCustomMetadata().Keys.Cast<string>().OrderBy(n => n, StringComparer.Ordinal))
                fingerprint.Add(key + ":" + name, item.GetMetadata(name));
        }
        foreach (var p in InputPaths)
            fingerprint.AddPath(p.ItemSpec, p.GetMetadata("FullPath"));
        Changed = fingerprint.WriteIfChanged(Path);
    }
}
