// One hosts_entries line of a cc_config: a host name and the address it resolves to inside the VM (/etc/hosts).
using System.Net;

namespace CcImage.Core.Provisioning;

public sealed record HostsEntry(string Name, IPAddress Address)
{
    public int Line { get; init; }
}
