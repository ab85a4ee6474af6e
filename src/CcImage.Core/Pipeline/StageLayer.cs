// Layers a stage on the previous stage's cached root tree — never on its image: the previous tarball is extracted into
// a work folder, the stage changes it inside a ChrootSession (StageLayerSession), the scratch files and whatever the
// commands left in /tmp are removed, and RootTree.Pack writes the result as a new stage-cache entry. The entry's key is
// the previous tree's key plus exactly the inputs the stage names in its manifest, so a stage reruns when its own
// inputs or an earlier tree change and never otherwise. The kernel travels with the tree (a hard link to the previous
// entry's vmlinuz), so a later stage's boot chain has it even after the earlier entry is trimmed. Used by
// InstallNvflare and HardenImage alike.
using System.Text.Json;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;

namespace CcImage.Core.Pipeline;

public static class StageLayer
{
    public const string TarballFile = "rootfs.tar";
    private const string KernelFile = "vmlinuz";
    private const string KernelInfoFile = "kernel.json";

    /// <summary>
    /// The tree of <paramref name="step"/>: from the cache when <paramref name="manifest"/> (the stage's own inputs; the
    /// previous tree's key is added here) is known, else <paramref name="previous"/> changed by <paramref name="change"/>.
    /// </summary>
    public static StageTree Ensure(PipelineContext context, string step, StageTree previous, CacheManifest manifest,
        Action<StageLayerSession> change)
    {
        manifest.Add("previous-tree", previous.Key);
        var ct = context.CancellationToken;
        var entry = context.Cache.GetOrCreate(manifest, dir =>
        {
            context.Log.Info($"{step}: changing a copy of the previous stage's root tree ({manifest.Kind} {manifest.Key[..12]})...");
            string work = context.WorkDirectory(step + "-tree");
            if (Directory.Exists(work))
                RootTree.Delete(context.Runner, work);
            Directory.CreateDirectory(work);
            string root = Path.Combine(work, "tree");
            try
            {
                RootTree.Extract(context.Runner, previous.TarPath, root, ct);
                using (var chroot = ChrootSession.Open(context.Runner, context.Log, root, ct))
                {
                    var session = new StageLayerSession(chroot, context, step);
                    try
                    {
                        change(session);
                    }
                    finally
                    {
                        chroot.Close();
                        foreach (string path in session.PathsToRemove)
                            RemoveMountPoint(path);
                    }
                }
                EmptyTmp(context, root);
                ct.ThrowIfCancellationRequested();
                RootTree.Pack(context.Runner, root, Path.Combine(dir, TarballFile), context.Project.SourceDateEpoch, ct);
                if (previous.KernelImage != null)
                    HardLink.CreateOrCopy(previous.KernelImage, Path.Combine(dir, KernelFile));
                File.WriteAllText(Path.Combine(dir, KernelInfoFile), JsonSerializer.Serialize(previous.KernelVersion, PipelineJsonContext.Default.String!));
            }
            finally
            {
                TryDelete(context, work);
            }
        }, ct);

        string kernel = entry.PathOf(KernelFile);
        return new StageTree(entry.Key, entry.PathOf(TarballFile))
        {
            KernelVersion = JsonSerializer.Deserialize(File.ReadAllText(entry.PathOf(KernelInfoFile)), PipelineJsonContext.Default.String),
            KernelImage = File.Exists(kernel) ? kernel : null,
        };
    }

    /// <summary>The tree's /tmp holds nothing in the image (a tmpfs covers it at boot): the scratch folder and anything
    /// a command left there go, so they cannot change the tarball's bytes.</summary>
    private static void EmptyTmp(PipelineContext context, string root)
    {
        string tmp = Path.Combine(root, "tmp");
        if (new DirectoryInfo(tmp) is not { Exists: true, LinkTarget: null })
            return;
        foreach (string entry in Directory.EnumerateFileSystemEntries(tmp))
        {
            if (Directory.Exists(entry) && new DirectoryInfo(entry).LinkTarget == null)
                RootTree.Delete(context.Runner, entry);
            else
                File.Delete(entry);
        }
    }

    private static void RemoveMountPoint(string path)
    {
        if (Directory.Exists(path) && new DirectoryInfo(path).LinkTarget == null)
            Directory.Delete(path);
        else if (File.Exists(path))
            File.Delete(path);
    }

    private static void TryDelete(PipelineContext context, string work)
    {
        try
        {
            RootTree.Delete(context.Runner, work);
        }
        catch (CcImageException e)
        {
            context.Log.Warning(e.Code, e.Message);
        }
        catch (IOException e)
        {
            context.Log.Detail($"Could not remove {work}: {e.Message}");
        }
    }
}
