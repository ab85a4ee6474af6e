// Bad command-line usage is one line on stderr and exit 2 (an unknown command names the commands there are); a failure
// is one line with its CCIMG code and exit 1.
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
    [DataRow(new[] { "measure", "--mode", "bogus", "--ovmf", "x" })]
    [DataRow(new[] { "measure", "--no-such-option" })]
    public void BadUsage_PrintsOneLineAndExits2(string[] args)
    {
        var r = ProcessResult.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "ccimage.dll"), .. args]);
        Assert.AreEqual(2, r.ExitCode, r.StandardError);
        Assert.AreEqual("", r.StandardOutput);
        Assert.HasCount(1, r.StandardError.TrimEnd('\n').Split('\n'), r.StandardError);
        StringAssert.StartsWith(r.StandardError, "ccimage: ");
        StringAssert.Contains(r.StandardError, "--help");
    }

    [TestMethod]
    [DataRow(new[] { "bogus" }, "'bogus' is not a ccimage command; the commands are: qcow2, verity, measure")]
    [DataRow(new[] { "qcow2", "bogus" }, "'bogus' is not a ccimage qcow2 command; the commands are: convert, resize, info")]
    [DataRow(new string[0], "'ccimage' needs a command; the commands are: qcow2, verity, measure")]
    public void UnknownCommand_SaysSoAndListsTheCommands(string[] args, string expected)
    {
        var r = ProcessResult.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "ccimage.dll"), .. args]);
        Assert.AreEqual(2, r.ExitCode);
        StringAssert.StartsWith(r.StandardError, "ccimage: " + expected);
    }

    [TestMethod]
    [DataRow(new[] { "--help" }, "Usage:")]
    [DataRow(new[] { "qcow2", "--help" }, "convert")]
    [DataRow(new[] { "qcow2", "convert", "--help" }, "--cluster-size")]
    [DataRow(new[] { "verity", "format", "--help" }, "--salt")]
    [DataRow(new[] { "measure", "--help" }, "usage: ccimage measure")]
    public void Help_EveryCommand_PrintsItsUsageAndExits0(string[] args, string expected)
    {
        var r = ProcessResult.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "ccimage.dll"), .. args]);
        Assert.AreEqual(0, r.ExitCode, r.StandardError);
        StringAssert.Contains(r.StandardOutput, expected);
    }

    [TestMethod]
    public void Failure_PrintsOneLineWithItsCodeAndExits1()
    {
        var r = ProcessResult.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "ccimage.dll"), "qcow2", "info", "/does/not/exist.qcow2"]);
        Assert.AreEqual(1, r.ExitCode);
        Assert.AreEqual("ccimage: CCIMG1003: The file '/does/not/exist.qcow2' given for IMG does not exist.\n", r.StandardError);
    }
}
