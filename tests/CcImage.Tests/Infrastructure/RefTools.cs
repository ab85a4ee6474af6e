// Runs a reference tool (sgdisk, sfdisk, chown, …) the tests cross-check against; a missing tool fails the test. qemu-img has QemuImg.
namespace CcImage.Tests;

internal static class RefTools
{
    public static ProcessResult Run(string tool, params string[] args) => ProcessResult.Run(tool, args);
}
