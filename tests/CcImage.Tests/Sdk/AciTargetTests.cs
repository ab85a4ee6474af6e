// A real project with CcTarget=ACI built through the packed SDK: Build writes the four aci/ outputs through
// BuildAciImage, a second build skips the target, and Clean removes what it wrote.
using CcImage.Tests.Aci;

namespace CcImage.Tests.Sdk;

[TestClass]
public sealed class AciTargetTests
{
    [TestMethod]
    public void Build_AciProject_WritesOutputsIsIncrementalAndCleans()
    {
        string project = SdkFixture.CreateProject("aciserver", """
            <Project Sdk="CcImage.Sdk">
              <PropertyGroup>
                <CcTarget>ACI</CcTarget>
                <CcAciBaseImage>base.tar</CcAciBaseImage>
                <CcAciImage>myreg.azurecr.io/nvflare-server:1.0</CcAciImage>
                <CcAciStartupKit>server1</CcAciStartupKit>
                <CcSourceDateEpoch>1700000000</CcSourceDateEpoch>
              </PropertyGroup>
            </Project>
            """);
        string dir = Path.GetDirectoryName(project)!;
        try
        {
            PolicyFixture.WriteImage(Path.Combine(dir, "base.tar"), "python:3.11", 2, oci: false, new Random(2));
            Directory.CreateDirectory(Path.Combine(dir, "server1", "startup"));
            File.WriteAllText(Path.Combine(dir, "server1", "startup", "sub_start.sh"), "echo start\n");

            var first = SdkFixture.Dotnet("build", project).AssertSuccess("dotnet build");
            string aci = Path.Combine(dir, "bin", "Debug", "aci");
            foreach (string f in new[] { "image.oci.tar", "template.json", "ccePolicy.rego", "deploy.sh" })
                Assert.IsTrue(File.Exists(Path.Combine(aci, f)), f + "\n" + first.Output);
            Assert.IsFalse(File.Exists(Path.Combine(dir, "bin", "Debug", "nvcc_image.qcow2")));

            var second = SdkFixture.Dotnet("build", project).AssertSuccess("second dotnet build");
            StringAssert.Contains(second.StandardOutput, "Skipping target \"BuildAciImage\"");

            SdkFixture.Dotnet("clean", project).AssertSuccess("dotnet clean");
            Assert.IsFalse(File.Exists(Path.Combine(aci, "image.oci.tar")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
