// Runs the real qemu-img (package qemu-utils) for the cross-checks: check, compare, info, and plain commands.
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Tests;

internal static class QemuImg
{
    private static readonly ToolRunner Runner = new(NullLog.Instance) { DefaultTimeout = TimeSpan.FromMinutes(5) };

    public static ToolResult Run(params string[] arguments) =>
        Runner.Run(HostTool.QemuImg, arguments, allowFailure: true);

    /// <summary>Asserts `qemu-img check` finds no errors and no leaks (exit 0).</summary>
    public static void AssertCheckClean(string image)
    {
        var r = Run("check", image);
        Assert.AreEqual(0, r.ExitCode, $"qemu-img check {image}:\n{r.StandardOutput}{r.StandardError}");
        StringAssert.Contains(r.StandardOutput, "No errors were found");
        Assert.DoesNotContain("leaked", r.StandardOutput);
    }

    /// <summary>Asserts `qemu-img compare` finds the raw file and the qcow2 image identical (exit 0).</summary>
    public static void AssertIdentical(string raw, string qcow2)
    {
        var r = Run("compare", "-f", "raw", "-F", "qcow2", raw, qcow2);
        Assert.AreEqual(0, r.ExitCode, $"qemu-img compare {raw} {qcow2}:\n{r.StandardOutput}{r.StandardError}");
    }

    /// <summary>`qemu-img info --output=json` parsed.</summary>
    public static System.Text.Json.JsonElement Info(string image)
    {
        var r = Run("info", "--output=json", image);
        Assert.AreEqual(0, r.ExitCode, r.StandardError);
        return System.Text.Json.JsonDocument.Parse(r.StandardOutput).RootElement.Clone();
    }

    /// <summary>Runs qemu-img and asserts it succeeded.</summary>
    public static void Must(params string[] arguments)
    {
        var r = Run(arguments);
        Assert.AreEqual(0, r.ExitCode, $"qemu-img {string.Join(' ', arguments)}:\n{r.StandardOutput}{r.StandardError}");
    }
}
