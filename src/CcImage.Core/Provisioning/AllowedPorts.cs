// Reads a project's CcAllowedPort items (Include: a TCP port; Direction in or out, default in): the ports the VM may
// accept (launch_vm.sh forwards them) and open. Errors name the item (CCIMG1300, CCIMG1301).
using System.Globalization;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Provisioning;

public static class AllowedPorts
{
    public const string ItemType = "CcAllowedPort";
    private const int MaxPort = 65535;

    public static IReadOnlyList<int> Inbound(ImageProject project) => Of(project, "in");

    public static IReadOnlyList<int> Outbound(ImageProject project) => Of(project, "out");

    private static List<int> Of(ImageProject project, string direction)
    {
        var ports = new List<int>();
        foreach (var item in project.ItemsOf(ItemType))
        {
            if (!int.TryParse(item.Include, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > MaxPort)
                throw Diag.At(item.File, item.Line, nameof(Strings.AllowedPortInvalid), item.Include);
            string given = item.Get("Direction")?.ToLowerInvariant() ?? "in";
            if (given is not ("in" or "out"))
                throw Diag.At(item.File, item.Line, nameof(Strings.AllowedPortDirectionInvalid), item.Include, given);
            if (given == direction && !ports.Contains(port))
                ports.Add(port);
        }
        return ports;
    }
}
