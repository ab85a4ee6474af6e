// `ccimage qcow2`: placeholder registered by the skeleton; the owning work replaces its body.
using System.CommandLine;

namespace CcImage.Cli.Commands;

internal static class Qcow2Command
{
    public static Command Create() => new("qcow2", "Not implemented yet.");
}
