// A kernel found in a root filesystem: its release (uname -r), the image under /boot and, when the package installed
// them, the folder of its modules (usr/lib/modules on merged-/usr systems, lib/modules on older ones). Paths are
// relative to the root of the tree.
namespace CcImage.Core.RootFs;

public sealed record RootFsKernel(string Version, string? ImagePath, string? ModulesPath);
