// Issue 12's SDK recipes through real builds of partition-only projects: sizes beyond what qcow2 can hold are coded
// errors naming the setting (never MSB4018 or a negative size), a bad CcImageSize fails every build, ResizeQcow2 on a
// compressed image succeeds clean, a failing ResizeQcow2 leaves the image byte-identical, and `dotnet clean` removes
// the temp files a killed build left.
using System.Security.Cryptography;
using CcImage.Tests.Robustness;

namespace CcImage.Tests.Sdk;

[TestClass]
public class SdkRobustnessTests
{
    private static string Project(string name, string partitions) => SdkFixture.CreateProject(name, $"""
        <Project Sdk="CcImage.Sdk">
          <ItemGroup>
        {partitions}
          </ItemGroup>
        </Project>
        """);

    private static void AssertFailsWithCode(ProcessResult result, string code)
    {
        Assert.AreNotEqual(0, result.ExitCode, result.Output);
        StringAssert.Contains(result.Output, $"error {code}:", result.Output);
        Assert.DoesNotContain("MSB4018", result.Output, result.Output);
        Assert.DoesNotContain("Exception", result.Output, result.Output);
    }

    [TestMethod]
    public void Build_TwoPartitionsOf4EiB_FailsWithCcimg1158()
    {
        string project = Project("huge2", """
            <CcPartition Include="a" Size="4611686018427387904" />
            <CcPartition Include="b" Size="4611686018427387904" />
        """);
        AssertFailsWithCode(SdkFixture.Dotnet("build", project), "CCIMG1158");
    }

    [TestMethod]
    public void Build_PartitionOfLongMaxValue_FailsWithCcimg1158NotANegativeSize()
    {
        string project = Project("huge1", """    <CcPartition Include="a" Size="9223372036854775807" />""");
        var result = SdkFixture.Dotnet("build", project);
        AssertFailsWithCode(result, "CCIMG1158");
        Assert.DoesNotContain("-9223372036", result.Output, result.Output);
    }

    [TestMethod]
    public void Build_PartitionsBeyondClusterSizeLimit_FailsWithCcimg1160NamingTheSetting()
    {
        // 512-byte clusters hold at most 128 GiB; two 100 GiB partitions (sparse, no content) ask for more.
        string project = Project("cluster512", """
            <CcPartition Include="a" Size="100G" />
            <CcPartition Include="b" Size="100G" />
        """);
        var result = SdkFixture.Dotnet("build", project, "-p:CcClusterSize=512");
        AssertFailsWithCode(result, "CCIMG1160");
        StringAssert.Contains(result.Output, "CcPartition Sizes");
    }

    [TestMethod]
    public void Build_CcImageSizeNotASize_FailsWithCcimg1002()
    {
        string project = Project("badsize", """    <CcPartition Include="a" Size="1M" />""");
        var result = SdkFixture.Dotnet("build", project, "-p:CcImageSize=abc");
        AssertFailsWithCode(result, "CCIMG1002");
        StringAssert.Contains(result.Output, "CcImageSize");
    }

    [TestMethod]
    public void ResizeQcow2_CompressedImageWithGrowGpt_SucceedsAndQemuAndSgdiskAgree()
    {
        string project = Project("resizec", """    <CcPartition Include="a" Size="1M" />""");
        string dir = Path.GetDirectoryName(project)!;
        string raw = RecipeDisks.SgdiskDisk(dir);
        string image = RecipeDisks.ToQcow2(raw, Path.Combine(dir, "c.qcow2"), "-c");
        SdkFixture.Dotnet("build", project, "-t:ResizeQcow2", "-p:CcResizeInput=c.qcow2", "-p:CcImageSize=+32M").AssertSuccess("ResizeQcow2");
        QemuImg.AssertCheckClean(image);
        Gpt.GptTestDisk.AssertSgdiskClean(RecipeDisks.ToRaw(image, Path.Combine(dir, "back.raw")), RecipeDisks.Sector);
    }

    [TestMethod]
    public void ResizeQcow2_HeadersDisagree_FailsWithCodeAndLeavesImageByteIdentical()
    {
        string project = Project("resizebad", """    <CcPartition Include="a" Size="1M" />""");
        string dir = Path.GetDirectoryName(project)!;
        string raw = RecipeDisks.SgdiskDisk(dir);
        long last = new FileInfo(raw).Length / 512 - 1;
        RecipeDisks.PatchPrimaryHeader(raw, h => System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(h[32..], last - 1));
        string image = RecipeDisks.ToQcow2(raw, Path.Combine(dir, "c.qcow2"));
        byte[] before = SHA256.HashData(File.ReadAllBytes(image));
        var result = SdkFixture.Dotnet("build", project, "-t:ResizeQcow2", "-p:CcResizeInput=c.qcow2", "-p:CcImageSize=+32M");
        AssertFailsWithCode(result, "CCIMG2506");
        CollectionAssert.AreEqual(before, SHA256.HashData(File.ReadAllBytes(image)));
        Assert.IsEmpty(Directory.GetFiles(dir).Where(f => f.Contains(".tmp-", StringComparison.Ordinal) || f.Contains(".undo-", StringComparison.Ordinal)));
    }

    [TestMethod]
    public void Clean_RemovesTempFilesOfAKilledBuild()
    {
        string project = Project("cleantemps", """    <CcPartition Include="a" Size="1M" />""");
        SdkFixture.Dotnet("build", project).AssertSuccess("dotnet build");
        string bin = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug");
        // What a SIGKILLed writer leaves: OUT.tmp-<pid>-<random> of a process that no longer runs.
        string stale = Path.Combine(bin, "nvcc_image.qcow2.tmp-999999999-0123456789ab");
        File.WriteAllBytes(stale, new byte[4096]);
        SdkFixture.Dotnet("clean", project).AssertSuccess("dotnet clean");
        Assert.IsFalse(File.Exists(stale), "dotnet clean left the temp file");
        Assert.IsEmpty(Directory.Exists(bin) ? Directory.GetFiles(bin) : []);
    }
}
