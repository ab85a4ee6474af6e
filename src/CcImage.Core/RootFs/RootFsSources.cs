// Where a root filesystem's packages come from once the defaults are filled in: the distribution, the archive URI and
// the keyring file that signs it.
namespace CcImage.Core.RootFs;

public sealed record RootFsSources(RootFsDistribution Distribution, string Mirror, string Keyring);
