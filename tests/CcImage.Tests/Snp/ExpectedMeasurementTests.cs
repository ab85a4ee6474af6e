// expected-measurement.json: the fields a verifier and a re-run need, written atomically, and reproducing the digest.
using System.Text.Json;
using CcImage.Core.Diagnostics;
using CcImage.Core.Snp;

namespace CcImage.Tests.Snp;

[TestClass]
public sealed class ExpectedMeasurementTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void WriteImages(TestContext _)
    {
        _dir = TestPaths.NewTempDir("snp-json");
        SnpTestImages.WriteAll(_dir);
    }

    [ClassCleanup]
    public static void RemoveImages() => Directory.Delete(_dir, recursive: true);

    private static string F(string name) => Path.Combine(_dir, name);

    [TestMethod]
    public void WriteJson_HoldsMeasurementInHexAndBase64_AndEveryInput()
    {
        var m = ExpectedMeasurement.Compute("snp", F("amdsev.fd"), F("vmlinuz"), F("initrd.img"), SnpTestImages.Cmdline, 4,
            "EPYC-v4", "QEMU", "0x1");
        string path = Path.Combine(_dir, "out", "expected-measurement.json");
        m.WriteJson(path);
        Assert.IsEmpty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp-*"));

        using var json = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = json.RootElement;
        // Cross-checked with sev-snp-measure 0.0.13 (same inputs as Snp_KernelInitrdCmdline_MatchesReference).
        const string hex = "3b8caf834566f77d4dfd35b432387e4b73538ba02a6b000cd0f2996ce82b01db9b05d9d99820680718cf2080c0be2cc1";
        Assert.AreEqual(hex, root.GetProperty("measurement").GetString());
        Assert.AreEqual(Convert.ToBase64String(Convert.FromHexString(hex)), root.GetProperty("measurement_base64").GetString());
        Assert.AreEqual("snp", root.GetProperty("mode").GetString());
        Assert.AreEqual(4, root.GetProperty("vcpus").GetInt32());
        Assert.AreEqual("EPYC-v4", root.GetProperty("vcpu_type").GetString());
        Assert.AreEqual("QEMU", root.GetProperty("vmm_type").GetString());
        Assert.AreEqual("0x1", root.GetProperty("guest_features").GetString());
        Assert.AreEqual(SnpTestImages.Cmdline, root.GetProperty("cmdline").GetString());
        Assert.AreEqual("amdsev.fd", root.GetProperty("ovmf").GetString());
        Assert.AreEqual("vmlinuz", root.GetProperty("kernel").GetString());
        Assert.AreEqual("initrd.img", root.GetProperty("initrd").GetString());
        Assert.AreEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(F("initrd.img")))),
            root.GetProperty("initrd_sha256").GetString());
        Assert.AreEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(F("amdsev.fd")))),
            root.GetProperty("ovmf_sha256").GetString());
    }

    [TestMethod]
    public void Compute_SameInputs_SameBytes()
    {
        byte[] a = ExpectedMeasurement.Compute("seves", F("odd.fd"), null, null, null, 2, "EPYC-Genoa", "gce", "5").ToJson();
        byte[] b = ExpectedMeasurement.Compute("seves", F("odd.fd"), null, null, null, 2, "EPYC-Genoa", "gce", "5").ToJson();
        CollectionAssert.AreEqual(a, b);
        using var json = JsonDocument.Parse(a);
        Assert.AreEqual("0x5", json.RootElement.GetProperty("guest_features").GetString());
        Assert.AreEqual(JsonValueKind.Null, json.RootElement.GetProperty("kernel").ValueKind);
    }

    [TestMethod]
    public void Compute_BadSettings_AreDiagnostics()
    {
        string Code(Action a) => Assert.ThrowsExactly<CcImageException>(a).Code;
        Assert.AreEqual("CCIMG5027", Code(() => ExpectedMeasurement.Compute("tdx", F("amdsev.fd"), null, null, null, 1, "EPYC", "QEMU", "1")));
        Assert.AreEqual("CCIMG5020", Code(() => ExpectedMeasurement.Compute("snp", F("amdsev.fd"), null, null, null, 1, "Zen", "QEMU", "1")));
        Assert.AreEqual("CCIMG5021", Code(() => ExpectedMeasurement.Compute("snp", F("amdsev.fd"), null, null, null, 1, "EPYC", "kvm", "1")));
        Assert.AreEqual("CCIMG5028", Code(() => ExpectedMeasurement.Compute("snp", F("amdsev.fd"), null, null, null, 1, "EPYC", "QEMU", "0xZ")));
        Assert.AreEqual("CCIMG5029", Code(() => ExpectedMeasurement.Compute("snp", F("amdsev.fd"), null, null, null, 0, "EPYC", "QEMU", "1")));
        Assert.AreEqual("CCIMG5024", Code(() => ExpectedMeasurement.Compute("snp", F("amdsev.fd"), null, F("initrd.img"), null, 1, "EPYC", "QEMU", "1")));
        Assert.AreEqual("CCIMG1003", Code(() => ExpectedMeasurement.Compute("snp", F("missing.fd"), null, null, null, 1, "EPYC", "QEMU", "1")));
        Assert.AreEqual("CCIMG5008", Code(() => ExpectedMeasurement.Compute("snp", F("nohashes.fd"), F("vmlinuz"), null, null, 1, "EPYC", "QEMU", "1")));
    }
}
