// The ComputeVerity MSBuild task, run by a real `dotnet msbuild` on a temporary project: outputs match veritysetup.
using System.Text.RegularExpressions;

namespace CcImage.Tests.Verity;

[TestClass]
public sealed class ComputeVerityTaskTests
{
    private static string TasksAssembly()
    {
        string configuration = AppContext.BaseDirectory.Contains("/bin/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        string path = Path.Combine(TestPaths.RepoRoot, "src", "CcImage.Tasks", "bin", configuration, "net8.0", "CcImage.Tasks.dll");
        Assert.IsTrue(File.Exists(path), $"{path} is missing: build CcImage.Sdk.sln first");
        return path;
    }

    [TestMethod]
    public void ComputeVerity_AppendedWithSeed_OutputsRootHashThatVeritysetupVerifies()
    {
        string dir = TestPaths.NewTempDir("verity-task");
        try
        {
            string data = Path.Combine(dir, "root.img");
            var bytes = new byte[4096 * 100 + 1000];
            new Random(3).NextBytes(bytes);
            File.WriteAllBytes(data, bytes);
            string project = Path.Combine(dir, "p.proj");
            File.WriteAllText(project, $"""
                <Project>
                  <UsingTask TaskName="CcImage.Tasks.ComputeVerity" AssemblyFile="{TasksAssembly()}" />
                  <Target Name="Run">
                    <ComputeVerity DataPath="{data}" SaltSeed="site-a/root">
                      <Output TaskParameter="RootHash" PropertyName="Root" />
                      <Output TaskParameter="Salt" PropertyName="SaltUsed" />
                      <Output TaskParameter="Uuid" PropertyName="UuidUsed" />
                      <Output TaskParameter="HashOffset" PropertyName="Offset" />
                    </ComputeVerity>
                    <Message Importance="high" Text="RESULT $(Root) $(SaltUsed) $(UuidUsed) $(Offset)" />
                  </Target>
                </Project>
                """);
            var build = ReferenceTool.Run("dotnet", ["msbuild", project, "-t:Run", "-nologo", "-v:m"], dir);
            Assert.AreEqual(0, build.ExitCode, build.StandardOutput + build.StandardError);
            var m = Regex.Match(build.StandardOutput, @"RESULT ([0-9a-f]{64}) ([0-9a-f]{64}) ([0-9a-f-]{36}) (\d+)");
            Assert.IsTrue(m.Success, build.StandardOutput);
            Assert.AreEqual("413696", m.Groups[4].Value, "hash area after the image padded to 101 blocks");
            var verify = ReferenceTool.Run("veritysetup", ["verify", data, data, m.Groups[1].Value, "--hash-offset", m.Groups[4].Value]);
            Assert.AreEqual(0, verify.ExitCode, verify.StandardError);
            var dump = ReferenceTool.Run("veritysetup", ["dump", data, "--hash-offset", m.Groups[4].Value]);
            StringAssert.Contains(dump.StandardOutput, m.Groups[2].Value);
            StringAssert.Contains(dump.StandardOutput, m.Groups[3].Value);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
