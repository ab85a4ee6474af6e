// The distributions the root filesystem builder knows, with what differs between them: the keyring that signs the
// archive, the Debian package that installs it, and the ID /etc/os-release gives a machine of that distribution.
// Debian and Ubuntu are built by the same code (mmdebstrap, apt, dpkg); only the mirror, suite and keyring differ.
namespace CcImage.Core.RootFs;

public sealed record RootFsDistribution(string Name, string DefaultKeyring, string KeyringPackage)
{
    public static readonly RootFsDistribution Debian =
        new("debian", "/usr/share/keyrings/debian-archive-keyring.gpg", "debian-archive-keyring");

    public static readonly RootFsDistribution Ubuntu =
        new("ubuntu", "/usr/share/keyrings/ubuntu-archive-keyring.gpg", "ubuntu-keyring");

    public static IReadOnlyList<RootFsDistribution> All { get; } = [Debian, Ubuntu];

    /// <summary>The distribution named <paramref name="name"/> (case-insensitive), or null.</summary>
    public static RootFsDistribution? Find(string name) =>
        All.FirstOrDefault(d => d.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}
