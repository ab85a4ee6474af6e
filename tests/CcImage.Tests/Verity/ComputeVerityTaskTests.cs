// The ComputeVerity MSBuild task, run through the packed SDK by a real `dotnet build` of a temporary project: its
// outputs match veritysetup.
using System.Text.RegularExpressions;
using CcImage.Tests.Sdk;

namespace CcImage.Tests.Verity;

[TestClass]
public sealed class ComputeVerityTaskTests
{
    [TestMethod]
    public void ComputeVerity_AppendedWithSeed_OutputsRootHashThatVeritysetupVerifies()
    {
        string project = SdkFixture.CreateProject("verity-task", "<Project Sdk=\"CcImage.Sdk\" />");
        string dir = Path.GetDirectoryName(project)!;
        try
        {
            string data = Path.Combine(dir, "root.img");
            var bytes = new byte[4096 * 100 + 1000];
            new Random(3).NextBytes(bytes);
            File.WriteAllBytes(data, bytes);
            File.WriteAllText(project, $"""
                <Project Sdk="CcImage.Sdk">
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
            var build = SdkFixture.Dotnet("build", project, "-t:Run", "-nologo");
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
