// The hardened image's firewall as an nftables ruleset (nft(8), "RULESET" and "CHAINS"): one inet table whose input,
// forward and output chains drop by default; loopback, replies to the site's own connections (conntrack established
// and related, which also lets ICMP errors about them through), the DHCPv4 exchange that gives the VM its address, and
// exactly the CcAllowedPort items are accepted. Written to /etc/nftables.conf, loaded by nftables.service at sysinit.
using System.Globalization;
using System.Text;

namespace CcImage.Core.Hardening;

public static class NftablesRuleset
{
    public const string TableName = "ccimage";

    /// <summary>DHCPv4 (RFC 2131 §4.1): the server answers from port 67 to the client's port 68.</summary>
    private const int DhcpServerPort = 67, DhcpClientPort = 68;

    public static string Build(IReadOnlyList<AllowedPort> ports)
    {
        var text = new StringBuilder();
        text.Append("#!/usr/sbin/nft -f\n");
        text.Append("# CcImage HardenImage (docs/harden-image.md): default drop in both directions; only the CcAllowedPort items are open.\n");
        text.Append("flush ruleset\n\n");
        text.Append(CultureInfo.InvariantCulture, $"table inet {TableName} {{\n");
        text.Append("\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n");
        text.Append("\t\tiif \"lo\" accept\n\t\tct state invalid drop\n\t\tct state established,related accept\n");
        text.Append(CultureInfo.InvariantCulture, $"\t\tudp sport {DhcpServerPort} udp dport {DhcpClientPort} accept\n");
        foreach (var p in ports.Where(p => p.Direction == PortDirection.In))
            text.Append("\t\t").Append(Rule(p, "saddr")).Append('\n');
        text.Append("\t}\n\n");
        text.Append("\tchain forward {\n\t\ttype filter hook forward priority filter; policy drop;\n\t}\n\n");
        text.Append("\tchain output {\n\t\ttype filter hook output priority filter; policy drop;\n");
        text.Append("\t\toif \"lo\" accept\n\t\tct state invalid drop\n\t\tct state established,related accept\n");
        text.Append(CultureInfo.InvariantCulture, $"\t\tudp sport {DhcpClientPort} udp dport {DhcpServerPort} accept\n");
        foreach (var p in ports.Where(p => p.Direction == PortDirection.Out))
            text.Append("\t\t").Append(Rule(p, "daddr")).Append('\n');
        text.Append("\t}\n}\n");
        return text.ToString();
    }

    /// <summary>One accept rule: [ip|ip6 saddr|daddr ADDRESS] tcp|udp dport PORTS ct state new accept.</summary>
    private static string Rule(AllowedPort p, string remote)
    {
        string address = p.Address == null ? "" : $"{(p.IsIpv6 ? "ip6" : "ip")} {remote} {p.Address} ";
        return $"{address}{p.Protocol} dport {p.Ports} ct state new accept";
    }
}
