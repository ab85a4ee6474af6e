// A folder of the build machine a TreeOverlay copies into a stage's tree when its image is assembled (a site's startup
// kit): every folder gets mode 0750 and every file 0640 (0750 when it was executable), all owned by Owner:Group.
namespace CcImage.Core.Pipeline;

public sealed record OverlayCopy(string Source, string Destination, string Owner, string Group);
