// One user_config entry of a cc_config: a folder or file of the host that appears in the VM and its workload as
// /user_config/<key> (NVFlare's OnPremPackager adds key nvflare: the site's startup kit).
namespace CcImage.Core.Provisioning;

public sealed record UserConfigEntry(string Key, string Path)
{
    public int Line { get; init; }
}
