// One port (or range) the hardened image's firewall opens, from a CcAllowedPort item: Include is the port or range
// (8002, 8000-8010; several separated by ;), Direction in (default: connections to the site, NVFlare's allowed_ports)
// or out (connections the site makes, allowed_out_ports), Protocol tcp (default) or udp, and optionally Address, the
// remote IPv4/IPv6 address or prefix the rule is limited to. Anything else is CCIMG1261 naming the item.
using System.Globalization;
using System.Net;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;

namespace CcImage.Core.Hardening;

public sealed record AllowedPort(int First, int Last, PortDirection Direction, string Protocol, string? Address)
{
    public const string ItemType = "CcAllowedPort";

    /// <summary>The item metadata CcImage reads from a CcAllowedPort.</summary>
    public static IReadOnlyList<string> MetadataNames { get; } = ["Direction", "Protocol", "Address"];

    private const int MaxPort = 65535;

    /// <summary>The port as nft writes it: 8002 or 8000-8010.</summary>
    public string Ports => First == Last ? First.ToString(CultureInfo.InvariantCulture) : $"{First}-{Last}";

    /// <summary>protocol/ports, as the console report and the hardening script name it (tcp/8002).</summary>
    public override string ToString() => $"{Protocol}/{Ports}" + (Address != null ? "@" + Address : "");

    /// <summary>Every CcAllowedPort of the project, in declaration order, duplicates removed.</summary>
    public static IReadOnlyList<AllowedPort> From(ImageProject project) =>
        project.ItemsOf(ItemType).SelectMany(Parse).Distinct().ToList();

    public static IEnumerable<AllowedPort> Parse(ProjectItem item)
    {
        var direction = (item.Get("Direction") ?? "in").ToLowerInvariant() switch
        {
            "in" or "inbound" => PortDirection.In,
            "out" or "outbound" => PortDirection.Out,
            var other => throw Invalid(item, $"Direction is '{other}'"),
        };
        string protocol = (item.Get("Protocol") ?? "tcp").ToLowerInvariant();
        if (protocol is not ("tcp" or "udp"))
            throw Invalid(item, $"Protocol is '{protocol}'");
        string? address = item.Get("Address");
        if (address != null && !IsAddress(address))
            throw Invalid(item, $"Address '{address}' is not an IP address or prefix");
        foreach (string part in item.Include.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-');
            if (ends.Length > 2 || !TryPort(ends[0], out int first) || !TryPort(ends[^1], out int last) || last < first)
                throw Invalid(item, $"'{part}' is not a port from 1 to {MaxPort} or a range such as 8000-8010");
            yield return new AllowedPort(first, last, direction, protocol, address);
        }
    }

    private static bool TryPort(string text, out int port) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out port) && port is >= 1 and <= MaxPort;

    private static bool IsAddress(string text)
    {
        var parts = text.Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var ip) || parts[0].Contains('%', StringComparison.Ordinal))
            return false;
        int max = ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 128 : 32;
        return parts.Length == 1 || (int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int bits) && bits <= max);
    }

    /// <summary>The inbound ports a launcher forwards from the host to the guest, as protocol:port (tcp:8002), every port
    /// of a range, each once, in declaration order.</summary>
    public static IReadOnlyList<string> Forwarded(IEnumerable<AllowedPort> ports) =>
        ports.Where(p => p.Direction == PortDirection.In)
            .SelectMany(p => Enumerable.Range(p.First, p.Last - p.First + 1).Select(n => $"{p.Protocol}:{n.ToString(CultureInfo.InvariantCulture)}"))
            .Distinct().ToList();

    /// <summary>Whether Address is an IPv6 address or prefix.</summary>
    public bool IsIpv6 => Address != null && Address.Contains(':', StringComparison.Ordinal);

    private static CcImageException Invalid(ProjectItem item, string what) =>
        Diag.At(item.File, item.Line, nameof(Strings.AllowedPortInvalid), item.Include, what);
}
