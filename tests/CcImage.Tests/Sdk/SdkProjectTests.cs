// Builds real .ccproj projects through the packed SDK and checks the build's result, log and outputs.
using System.Security.Cryptography;

namespace CcImage.Tests.Sdk;

[TestClass]
public class SdkProjectTests
{
    private static readonly string[] ConfigAndData = ["config", "data"];

    private const string MinimalProject = """
        <Project Sdk="CcImage.Sdk">
          <ItemGroup>
            <CcPartition Include="config" Size="8M" Content="config" Filesystem="ext4" PartitionLabel="config" />
            <CcPartition Include="data" Size="4M" Role="generic" />
          </ItemGroup>
        </Project>
        """;

    private static string NewMinimal(string name, string? xml = null, bool pin = true)
    {
        string project = SdkFixture.CreateProject(name, xml ?? MinimalProject, pin);
        string config = Path.Combine(Path.GetDirectoryName(project)!, "config");
        Directory.CreateDirectory(Path.Combine(config, "sub"));
        File.WriteAllText(Path.Combine(config, "site.conf"), "role=client\n");
        File.WriteAllText(Path.Combine(config, "sub", "a.txt"), "a\n");
        return project;
    }

    private static string Image(string project) =>
        Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug", "nvcc_image.qcow2");

    private static string Sha256(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));

    /// <summary>Asserts <paramref name="image"/> is a clean qcow2 holding a valid GPT with the minimal project's partitions.</summary>
    internal static void AssertMinimalGptImage(string image)
    {
        Assert.IsTrue(File.Exists(image), $"{image} was not written");
        QemuImg.AssertCheckClean(image);
        string raw = image + ".raw";
        QemuImg.Must("convert", "-O", "raw", image, raw);
        try
        {
            string sgdisk = RefTools.Run("sgdisk", "-v", raw).Output;
            StringAssert.Contains(sgdisk, "No problems found");
            string json = RefTools.Run("sfdisk", "--json", raw).StandardOutput;
            var names = System.Text.Json.JsonDocument.Parse(json).RootElement.GetProperty("partitiontable").GetProperty("partitions")
                .EnumerateArray().Select(p => p.GetProperty("name").GetString()).ToArray();
            CollectionAssert.AreEqual(ConfigAndData, names);
        }
        finally
        {
            File.Delete(raw);
        }
    }

    [TestMethod]
    public void Build_GlobalJsonPinnedSdk_WritesGptInQcow2()
    {
        string project = NewMinimal("pinned");
        SdkFixture.Dotnet("build", project).AssertSuccess("dotnet build");
        AssertMinimalGptImage(Image(project));
    }

    [TestMethod]
    public void Build_VersionInSdkAttribute_Resolves()
    {
        string project = NewMinimal("versioned", MinimalProject.Replace("Sdk=\"CcImage.Sdk\"", "Sdk=\"CcImage.Sdk/$SDKVERSION$\""), pin: false);
        SdkFixture.Dotnet("build", project).AssertSuccess("dotnet build");
        AssertMinimalGptImage(Image(project));
    }

    [TestMethod]
    public void Build_Twice_SecondRunDoesNoImageWork()
    {
        string project = NewMinimal("twice");
        SdkFixture.Dotnet("build", project).AssertSuccess("first build");
        string image = Image(project);
        string hash = Sha256(image);
        var written = File.GetLastWriteTimeUtc(image);

        var second = SdkFixture.Dotnet("build", project).AssertSuccess("second build");
        StringAssert.Contains(second.Output, "Skipping target \"BuildBaseImage\"");
        Assert.AreEqual(hash, Sha256(image));
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(image));
    }

    [TestMethod]
    public void Build_ContentChanged_RebuildsImage()
    {
        string project = NewMinimal("changed");
        SdkFixture.Dotnet("build", project).AssertSuccess("first build");
        string before = Sha256(Image(project));
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(project)!, "config", "site.conf"), "role=server\n");
        var second = SdkFixture.Dotnet("build", project).AssertSuccess("second build");
        Assert.DoesNotContain("Skipping target \"BuildBaseImage\"", second.Output);
        Assert.AreNotEqual(before, Sha256(Image(project)));
    }

    [TestMethod]
    public void Build_SameInputsInAnotherFolder_SameBytes()
    {
        string xml = MinimalProject.Replace("<ItemGroup>", "<PropertyGroup><CcImageSeed>same-site</CcImageSeed></PropertyGroup><ItemGroup>");
        string a = NewMinimal("repro", xml);
        string b = NewMinimal("repro", xml);
        File.SetLastWriteTimeUtc(Path.Combine(Path.GetDirectoryName(b)!, "config", "site.conf"), new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        SdkFixture.Dotnet("build", a).AssertSuccess("build a");
        Thread.Sleep(1100); // a clock second later: nothing may depend on when the build ran
        SdkFixture.Dotnet("build", b).AssertSuccess("build b");
        Assert.AreEqual(Sha256(Image(a)), Sha256(Image(b)));
    }

    [TestMethod]
    public void Clean_RemovesWhatTheBuildWrote()
    {
        string project = NewMinimal("clean");
        SdkFixture.Dotnet("build", project).AssertSuccess("build");
        Assert.IsTrue(File.Exists(Image(project)));
        SdkFixture.Dotnet("clean", project).AssertSuccess("clean");
        Assert.IsFalse(File.Exists(Image(project)));
        Assert.IsFalse(Directory.Exists(Path.Combine(Path.GetDirectoryName(project)!, "obj", "Debug")));
    }

    [TestMethod]
    public void Build_RoleLeavesNoPartition_FailsWithCode()
    {
        string project = SdkFixture.CreateProject("norole", """
            <Project Sdk="CcImage.Sdk">
              <PropertyGroup><CcRole>server</CcRole></PropertyGroup>
              <ItemGroup><CcPartition Include="data" Size="4M" Roles="client" /></ItemGroup>
            </Project>
            """);
        var result = SdkFixture.Dotnet("build", project);
        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CCIMG1222");
    }

    [TestMethod]
    public void Build_BadPartitionSize_FailsWithCodeAndNoOutput()
    {
        string project = NewMinimal("badsize", MinimalProject.Replace("Size=\"4M\"", "Size=\"four megs\""));
        var result = SdkFixture.Dotnet("build", project);
        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CCIMG1002");
        Assert.IsFalse(File.Exists(Image(project)));
        Assert.IsEmpty(Directory.GetFiles(Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug")));
    }

    [TestMethod]
    public void Build_BadRole_FailsWithCode()
    {
        string project = NewMinimal("badrole", MinimalProject.Replace("<ItemGroup>", "<PropertyGroup><CcRole>gateway</CcRole></PropertyGroup><ItemGroup>"));
        var result = SdkFixture.Dotnet("build", project);
        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CCIMG1004");
    }

    [TestMethod]
    public void ResizeQcow2_Alone_GrowsAnyImageAndIsIncremental()
    {
        string project = SdkFixture.CreateProject("resize", "<Project Sdk=\"CcImage.Sdk\" />");
        string dir = Path.GetDirectoryName(project)!;
        string image = Path.Combine(dir, "disk.qcow2");
        QemuImg.Must("create", "-f", "qcow2", image, "1G");

        SdkFixture.Dotnet("build", project, "-t:ResizeQcow2", "-p:CcResizeInput=disk.qcow2", "-p:CcImageSize=3G", "-p:CcResizeGrowGpt=false")
            .AssertSuccess("resize");
        Assert.AreEqual(3L << 30, QemuImg.Info(image).GetProperty("virtual-size").GetInt64());
        QemuImg.AssertCheckClean(image);
        string hash = Sha256(image);

        var again = SdkFixture.Dotnet("build", project, "-t:ResizeQcow2", "-p:CcResizeInput=disk.qcow2", "-p:CcImageSize=3G", "-p:CcResizeGrowGpt=false")
            .AssertSuccess("resize again");
        StringAssert.Contains(again.Output, "Skipping target \"ResizeQcow2\"");
        Assert.AreEqual(hash, Sha256(image));

        var shrink = SdkFixture.Dotnet("build", project, "-t:ResizeQcow2", "-p:CcResizeInput=disk.qcow2", "-p:CcImageSize=2G", "-p:CcResizeGrowGpt=false");
        Assert.AreNotEqual(0, shrink.ExitCode);
        StringAssert.Contains(shrink.Output, "error CCIMG2");
        Assert.AreEqual(hash, Sha256(image));
    }

    [TestMethod]
    public void ResizeQcow2_DefaultSizeWithGrowGpt_ExtendsLastPartition()
    {
        string project = NewMinimal("resizegpt");
        SdkFixture.Dotnet("build", project).AssertSuccess("build");
        string image = Image(project);
        SdkFixture.Dotnet("build", project, "-t:ResizeQcow2", $"-p:CcResizeInput={image}").AssertSuccess("resize");
        Assert.AreEqual(10L << 30, QemuImg.Info(image).GetProperty("virtual-size").GetInt64());
        QemuImg.AssertCheckClean(image);
        string raw = image + ".raw";
        QemuImg.Must("convert", "-O", "raw", image, raw);
        StringAssert.Contains(RefTools.Run("sgdisk", "-v", raw).Output, "No problems found");
        File.Delete(raw);
    }

    [TestMethod]
    public void ResizeQcow2_WithoutInput_FailsWithCode()
    {
        string project = SdkFixture.CreateProject("resizenone", "<Project Sdk=\"CcImage.Sdk\" />");
        var result = SdkFixture.Dotnet("build", project, "-t:ResizeQcow2");
        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CCIMG1001");
    }

    /// <summary>qcow2's magic, "QFI\xfb" (qcow2.rst).</summary>
    private static readonly byte[] Qcow2Magic = [(byte)'Q', (byte)'F', (byte)'I', 0xFB];

    /// <summary>Byte offset of the big-endian cluster_bits field in a qcow2 header (qcow2.rst).</summary>
    private const int ClusterBitsOffset = 20;

    [TestMethod]
    public void ResizeQcow2_NotQcow2_FailsWithBadMagicAndLeavesItUntouched()
    {
        string project = SdkFixture.CreateProject("resizemagic", "<Project Sdk=\"CcImage.Sdk\" />");
        string image = Path.Combine(Path.GetDirectoryName(project)!, "bad.qcow2");
        byte[] bytes = new byte[4096];
        "QFI\u00fcnot really"u8.ToArray().CopyTo(bytes, 0); // ü is C3 BC in UTF-8: not the magic
        File.WriteAllBytes(image, bytes);
        var result = SdkFixture.Dotnet("build", project, "-t:ResizeQcow2", "-p:CcResizeInput=bad.qcow2", "-p:CcImageSize=1G");
        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CCIMG2001: ");
        Assert.DoesNotContain("   at ", result.Output, "a stack trace was printed");
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(image));
    }

    [TestMethod]
    public void ResizeQcow2_Qcow2WithDamagedHeader_FailsWithCodeAndLeavesItUntouched()
    {
        string project = SdkFixture.CreateProject("resizebad", "<Project Sdk=\"CcImage.Sdk\" />");
        string image = Path.Combine(Path.GetDirectoryName(project)!, "bad.qcow2");
        // A real qcow2 image (the magic is right) whose cluster_bits says 2^40-byte clusters.
        QemuImg.Must("create", "-f", "qcow2", image, "64M");
        byte[] bytes = File.ReadAllBytes(image);
        CollectionAssert.AreEqual(Qcow2Magic, bytes[..4]);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(ClusterBitsOffset), 40);
        File.WriteAllBytes(image, bytes);
        var result = SdkFixture.Dotnet("build", project, "-t:ResizeQcow2", "-p:CcResizeInput=bad.qcow2", "-p:CcImageSize=1G");
        Assert.AreNotEqual(0, result.ExitCode);
        StringAssert.Contains(result.Output, "error CCIMG2004: ");
        StringAssert.Contains(result.Output, "cluster_bits");
        Assert.DoesNotContain("   at ", result.Output, "a stack trace was printed");
        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(image));
    }
}
