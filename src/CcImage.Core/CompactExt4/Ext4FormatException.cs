// Raised when a layer cannot become a compact ext4 image (the cases where hcsshim's compactext4 returns an error).
namespace CcImage.Core.CompactExt4;

public sealed class Ext4FormatException(string message) : Exception(message)
{
}
