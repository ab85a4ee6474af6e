// One extra file for the root filesystem (a CcFile item): a host file copied to an absolute path in the image after
// the packages are installed, with a mode, an optional owner (a name or number the image's /etc/passwd and /etc/group
// resolve) and an optional SHA-256 pin that the build checks before it starts.
namespace CcImage.Core.RootFs;

public sealed record RootFsFile(string Source, string Destination)
{
    /// <summary>rw-r--r--, the mode a CcFile gets unless it names one.</summary>
    public const UnixFileMode DefaultMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    /// <summary>Permission bits (including setuid, setgid and sticky) the file gets in the image.</summary>
    public UnixFileMode Mode { get; init; } = DefaultMode;

    /// <summary><c>user:group</c> (names or numbers), or null for root's.</summary>
    public string? Owner { get; init; }

    /// <summary>Lower-case hex SHA-256 the source must have, or null for no pin.</summary>
    public string? Sha256 { get; init; }
}
