// One entry of a package lock: an installed package, its exact version and its architecture (`all` for
// architecture-independent packages), as dpkg records them in /var/lib/dpkg/status.
namespace CcImage.Core.RootFs;

public sealed record LockedPackage(string Name, string Version, string Architecture);
