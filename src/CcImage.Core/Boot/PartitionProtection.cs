// How the booted image protects a partition: dm-verity (read-only, checked against a measured root hash), LUKS2 with a
// key made in guest memory at every boot, LUKS2 with a key file supplied at launch, or nothing.
namespace CcImage.Core.Boot;

public enum PartitionProtection
{
    None,
    Verity,
    LuksEphemeral,
    LuksKeyfile,
}
