// `ccimage verity`: placeholder registered by the skeleton; the owning work replaces its body.
using System.CommandLine;

namespace CcImage.Cli.Commands;

internal static class VerityCommand
{
    public static Command Create() => new("verity", "Not implemented yet.");
}
