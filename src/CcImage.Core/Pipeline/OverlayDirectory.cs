// A folder a TreeOverlay makes in a stage's tree when its image is assembled: absolute path in the image, mode, and
// owner and group by name (resolved in the image's own /etc/passwd and /etc/group).
namespace CcImage.Core.Pipeline;

public sealed record OverlayDirectory(string Path, UnixFileMode Mode, string Owner, string Group);
