// Bad command-line usage is one line on stderr and a non-zero exit, like every other ccimage error.
namespace CcImage.Tests;

[TestClass]
public class CliUsageTests
{
    [TestMethod]
    [DataRow(new string[0])]
    [DataRow(new[] { "qcow2", "convert" })]
    [DataRow(new[] { "qcow2", "bogus" })]
    [DataRow(new[] { "verity", "format", "only-one" })]
    [DataRow(new[] { "qcow2", "convert", "a", "b", "--cluster-size" })]
    public void BadUsage_PrintsOneLineAndFails(string[] args)
    {
        var r = ProcessResult.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "ccimage.dll"), .. args]);
        Assert.AreNotEqual(0, r.ExitCode);
        Assert.AreEqual("", r.StandardOutput);
        Assert.HasCount(1, r.StandardError.TrimEnd('\n').Split('\n'), r.StandardError);
        StringAssert.StartsWith(r.StandardError, "ccimage: ");
    }
}
