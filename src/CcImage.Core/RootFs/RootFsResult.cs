// What RootFsBuilder.Build produced: the tarball and its SHA-256, the kernels in it, every installed package with its
// version (from the tree's dpkg status) and the same list as a package lock the next build can replay.
namespace CcImage.Core.RootFs;

public sealed record RootFsResult(string Tarball, string Sha256, IReadOnlyList<RootFsKernel> Kernels,
    IReadOnlyList<LockedPackage> Packages, PackageLock Lock);
