// ToolRunner: output lines reach the callback while the tool runs (not when it exits) and are still captured; a
// throwing callback surfaces on the caller's thread; a missing tool is CCIMG3001 naming its package.
using System.Diagnostics;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.Tools;

[TestClass]
public class ToolRunnerTests
{
    private static readonly HostTool Shell = new("sh", "dash");
    private static readonly string[] AllLines = ["first", "to-stderr", "second"];
    private static readonly string[] MaskedLine = ["password=***"];

    [TestMethod]
    public void Run_OutputLine_ReceivesLinesWhileTheToolRuns()
    {
        var clock = Stopwatch.StartNew();
        var seen = new List<(TimeSpan At, string Line)>();
        var result = new ToolRunner(NullLog.Instance).Run(Shell, ["-c", "echo first; echo to-stderr >&2; sleep 3; echo second"],
            outputLine: line => seen.Add((clock.Elapsed, line)));
        var finished = clock.Elapsed;

        CollectionAssert.AreEquivalent(AllLines, seen.Select(s => s.Line).ToArray());
        var first = seen.Single(s => s.Line == "first");
        Assert.IsGreaterThan(TimeSpan.FromSeconds(1.5), finished - first.At, "the first line arrived only when the tool exited");
        Assert.AreEqual("first\nsecond\n", result.StandardOutput);
        Assert.AreEqual("to-stderr\n", result.StandardError);
    }

    [TestMethod]
    public void Run_OutputLine_MasksSecrets()
    {
        var runner = new ToolRunner(NullLog.Instance);
        runner.Secrets.Add("hunter2");
        var seen = new List<string>();
        runner.Run(Shell, ["-c", "echo password=hunter2"], outputLine: seen.Add);
        CollectionAssert.AreEqual(MaskedLine, seen);
    }

    [TestMethod]
    public void Run_OutputLineThrows_ThrowsOnTheCallersThreadAfterTheToolExits()
    {
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new ToolRunner(NullLog.Instance)
            .Run(Shell, ["-c", "echo one; echo two"], outputLine: _ => throw new InvalidOperationException("callback failed")));
        Assert.AreEqual("callback failed", e.Message);
    }

    [TestMethod]
    public void Run_MissingTool_ThrowsCcimg3001NamingThePackage()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() =>
            new ToolRunner(NullLog.Instance).Run(new HostTool("ccimage-no-such-tool", "ccimage-no-such-package"), []));
        Assert.AreEqual("CCIMG3001", e.Code);
        StringAssert.Contains(e.Message, "apt-get install ccimage-no-such-package");
    }

    [TestMethod]
    public void Run_Failure_StillReportsTheLastLines()
    {
        GptTestDisk.AssertThrowsCode("CCIMG3002", () =>
            new ToolRunner(NullLog.Instance).Run(Shell, ["-c", "echo why >&2; exit 3"], outputLine: _ => { }));
    }
}
