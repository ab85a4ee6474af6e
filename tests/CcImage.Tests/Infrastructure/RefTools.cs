// Runs the reference tools (qemu-img, sgdisk, sfdisk, …) the tests cross-check against; a missing tool fails the test.
namespace CcImage.Tests;

internal static class RefTools
{
    public static ProcessResult Run(string tool, params string[] args) => ProcessResult.Run(tool, args);

    public static ProcessResult QemuImg(params string[] args) =>
        ProcessResult.Run("qemu-img", args).AssertSuccess("qemu-img " + string.Join(' ', args));

    /// <summary>`qemu-img check` must report no errors and no leaks (exit 0).</summary>
    public static void QemuImgCheck(string image)
    {
        var r = ProcessResult.Run("qemu-img", ["check", image]);
        Assert.AreEqual(0, r.ExitCode, $"qemu-img check {image}:\n{r.Output}");
    }
}
