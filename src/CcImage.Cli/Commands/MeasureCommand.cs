// `ccimage measure`: placeholder registered by the skeleton; the owning work replaces its body.
using System.CommandLine;

namespace CcImage.Cli.Commands;

internal static class MeasureCommand
{
    public static Command Create() => new("measure", "Not implemented yet.");
}
