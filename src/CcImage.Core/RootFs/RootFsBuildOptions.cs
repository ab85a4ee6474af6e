// How RootFsBuilder works, as opposed to what it builds (RootFsSpec): choices that do not change the tarball's bytes
// and so are not part of the cache manifest.
namespace CcImage.Core.RootFs;

public sealed record RootFsBuildOptions
{
    public static readonly RootFsBuildOptions Default = new();

    /// <summary>
    /// Build the chroot in memory: mmdebstrap's temporary folder is a tmpfs (capped at three quarters of the available
    /// memory) mounted in a private mount namespace, so it disappears with the build even if the build is killed. dpkg
    /// then never waits for the disk; on this machine, with the disk shared by other builds, the base set took 80 s
    /// instead of 124 s, with the same bytes. Needs root and memory for the whole tree (about 1 GiB for the stage 1
    /// base set); as another user the option is ignored.
    /// </summary>
    public bool InMemory { get; init; }
}
