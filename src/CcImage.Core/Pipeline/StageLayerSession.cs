// What a stage's change to its tree works with while StageLayer holds the tree open: the extracted tree, commands run
// inside it (ChrootSession, every output line streamed into the build log as it arrives), read-only views of build
// machine files, and a scratch folder inside the tree for build-time files, which StageLayer removes before packing so
// none of it reaches the image.
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;
using CcImage.Core.Tools;

namespace CcImage.Core.Pipeline;

public sealed class StageLayerSession
{
    /// <summary>The folder inside the tree for build-time files; emptied (with the rest of /tmp) before the tree is packed.</summary>
    public const string ScratchFolder = "/tmp/ccimage-stage";

    private readonly ChrootSession _chroot;
    private readonly List<string> _removeAfterClose = [];

    internal StageLayerSession(ChrootSession chroot, PipelineContext context, string step)
    {
        _chroot = chroot;
        Context = context;
        Step = step;
    }

    public PipelineContext Context { get; }

    /// <summary>The step whose tree this is (InstallNvflare, HardenImage).</summary>
    public string Step { get; }

    /// <summary>The tree's folder on the build machine.</summary>
    public string Root => _chroot.Root;

    public ILog Log => Context.Log;

    public CancellationToken CancellationToken => Context.CancellationToken;

    /// <summary>The build machine's path of the absolute path <paramref name="pathInTree"/>.</summary>
    public string HostPath(string pathInTree) => Path.Combine(Root, pathInTree.TrimStart('/'));

    /// <summary>A scratch path inside the tree (as the tree sees it) named <paramref name="name"/>; its parent exists.</summary>
    public string Scratch(string name)
    {
        Directory.CreateDirectory(HostPath(ScratchFolder));
        return ScratchFolder + "/" + name;
    }

    /// <summary>Shows a build machine folder or file read-only at <paramref name="pathInTree"/> until the tree is packed.</summary>
    public void BindReadOnly(string hostPath, string pathInTree) => _chroot.BindReadOnly(hostPath, pathInTree, CancellationToken);

    /// <summary>
    /// Runs <paramref name="command"/> inside the tree with a clean environment (PATH, HOME, LC_ALL and
    /// <paramref name="environment"/>); each output line goes to the build log, prefixed with <paramref name="prefix"/>.
    /// </summary>
    public ToolResult Run(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null,
        bool allowFailure = false, string prefix = "  ")
        => _chroot.Run(command, environment, allowFailure: allowFailure, outputLine: line => Log.Info(prefix + line),
            cancellationToken: CancellationToken);

    /// <summary>An empty file or folder <paramref name="pathInTree"/> (a mount point outside the scratch folder, such as
    /// /etc/resolv.conf) that StageLayer deletes once everything is unmounted.</summary>
    public void RemoveAfterClose(string pathInTree) => _removeAfterClose.Add(pathInTree);

    /// <summary>The paths <see cref="RemoveAfterClose"/> named, as the build machine sees them.</summary>
    internal IEnumerable<string> PathsToRemove => _removeAfterClose.Select(HostPath);

    /// <summary>Masks <paramref name="secret"/> (a token in an index URL) in every command line and output line logged.</summary>
    public void AddSecret(string secret)
    {
        if (secret.Length > 0)
            Context.Runner.Secrets.Add(secret);
    }
}
