// The ACI build end to end on a fixture base image: the four outputs, byte-identical across two builds, a policy
// that equals what policy generation computes from the cleared template and the image, and bad input refused with
// a CCIMG error and nothing written.
using System.Text.Json.Nodes;
using CcImage.Core.Aci;
using CcImage.Core.Aci.Policy;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Aci;

[TestClass]
public sealed class AciBuilderTests
{
    private static AciBuildRequest Request(string dir, string output) => new()
    {
        OutputDirectory = output,
        BaseImageArchive = Path.Combine(dir, "base.tar"),
        ImageName = "myreg.azurecr.io/nvflare-server:2.7",
        StartupKitDirectory = Path.Combine(dir, "kit", "server1"),
        SourceDateEpoch = 1700000000,
        Ports = [8002, 8003],
    };

    private static string Fixture()
    {
        string dir = TestPaths.NewTempDir("aci-build");
        PolicyFixture.WriteImage(Path.Combine(dir, "base.tar"), "python:3.11", 5, oci: false, new Random(5));
        string startup = Path.Combine(dir, "kit", "server1", "startup");
        Directory.CreateDirectory(startup);
        File.WriteAllText(Path.Combine(startup, "sub_start.sh"), "#!/bin/bash\necho start\n");
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Path.Combine(startup, "sub_start.sh"), (UnixFileMode)0x1ED);
        File.WriteAllText(Path.Combine(startup, "fed_server.json"), "{\"servers\": []}\n");
        return dir;
    }

    [TestMethod]
    public void Build_TwoCleanBuilds_WriteIdenticalOutputs()
    {
        string dir = Fixture();
        try
        {
            var first = AciBuilder.Build(Request(dir, Path.Combine(dir, "out1")), NullLog.Instance);
            var second = AciBuilder.Build(Request(dir, Path.Combine(dir, "out2")), NullLog.Instance);
            foreach (var (a, b) in first.Files.Zip(second.Files))
                CollectionAssert.AreEqual(File.ReadAllBytes(a), File.ReadAllBytes(b), Path.GetFileName(a));
            Assert.IsFalse(Directory.Exists(Path.Combine(dir, "out1", "aci", ".work")));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void Build_Template_HoldsTheConfidentialGroupAndThePolicyGeneratedFromItsClearedSelf()
    {
        string dir = Fixture();
        try
        {
            var result = AciBuilder.Build(Request(dir, Path.Combine(dir, "out")), NullLog.Instance);
            var template = JsonNode.Parse(File.ReadAllText(result.Template))!;
            var group = template["resources"]![0]!["properties"]!;
            Assert.AreEqual("Confidential", group["sku"]!.GetValue<string>());
            Assert.AreEqual("Never", group["restartPolicy"]!.GetValue<string>());
            Assert.AreEqual("[parameters('registryPassword')]", group["imageRegistryCredentials"]![0]!["password"]!.GetValue<string>());
            Assert.AreEqual("secureString", template["parameters"]!["registryPassword"]!["type"]!.GetValue<string>());
            Assert.AreEqual(8003, group["ipAddress"]!["ports"]![1]!["port"]!.GetValue<int>());
            string injected = group["confidentialComputeProperties"]!["ccePolicy"]!.GetValue<string>();
            Assert.AreEqual(File.ReadAllText(result.PolicyRego), System.Text.Encoding.ASCII.GetString(Convert.FromBase64String(injected)));

            group["confidentialComputeProperties"]!["ccePolicy"] = "";
            string cleared = Path.Combine(dir, "cleared.json");
            File.WriteAllText(cleared, template.ToJsonString());
            string printed = PolicyGenerator.Run(new PolicyGenOptions
            {
                TemplatePath = cleared,
                TarMapping = result.ImageArchive,
                Mode = PolicyOutputMode.PrintBase64,
                ApproveWildcards = true,
            }, TextReader.Null, NullLog.Instance);
            Assert.AreEqual(injected + "\n\n\n", printed);
            StringAssert.Contains(File.ReadAllText(result.DeployScript), "az deployment group create");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void Build_BaseArchiveNotAnImage_FailsAndWritesNothing()
    {
        string dir = Fixture();
        try
        {
            File.WriteAllText(Path.Combine(dir, "base.tar"), "not a tar");
            var e = Assert.ThrowsExactly<CcImageException>(() => AciBuilder.Build(Request(dir, Path.Combine(dir, "out")), NullLog.Instance));
            StringAssert.StartsWith(e.Code, "CCIMG6");
            Assert.IsFalse(Directory.EnumerateFileSystemEntries(Path.Combine(dir, "out", "aci")).Any());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
