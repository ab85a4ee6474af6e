// Raised by LayerTarReader when a layer is not a well-formed tar stream (the cases where Go's archive/tar fails).
namespace CcImage.Core.LayerTar;

public sealed class TarFormatException(string message) : Exception(message)
{
}
