// What CcConfigReader returns: the checked cc_config and the warnings found on the way (unknown keys, repeats).
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Provisioning;

public sealed record CcConfigReadResult(CcConfig Config, IReadOnlyList<CcImageException> Warnings);
