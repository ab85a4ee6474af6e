// `ccimage measure` as a process: the reference's option spellings, output forms, and one-line failures where the
// reference fails. Expected digests were computed with virtee/sev-snp-measure 0.0.13 on the same synthetic files.
namespace CcImage.Tests.Snp;

[TestClass]
public sealed class MeasureCommandTests
{
    private const string AmdSevOneVcpu = "e8f16b66d4719f016099adbd9f9006426b5b8dee41b3c27093acc7f86bcf2c674866085788005ed512e7b095ea610eae";
    private static string _dir = "";

    [ClassInitialize]
    public static void WriteImages(TestContext _)
    {
        _dir = TestPaths.NewTempDir("snp-cli");
        SnpTestImages.WriteAll(_dir);
    }

    [ClassCleanup]
    public static void RemoveImages() => Directory.Delete(_dir, recursive: true);

    private static ProcessResult Measure(params string[] args) => CcImageCli.RunIn(_dir, ["measure", .. args]);

    private static void AssertPrints(string expected, params string[] args)
    {
        var r = Measure(args);
        Assert.AreEqual(0, r.ExitCode, r.StandardError);
        Assert.AreEqual(expected + "\n", r.StandardOutput);
    }

    private static void AssertFailsWithOneLine(string code, params string[] args)
    {
        var r = Measure(args);
        Assert.AreNotEqual(0, r.ExitCode, "expected a failure for: " + string.Join(' ', args));
        Assert.AreEqual("", r.StandardOutput);
        var lines = r.StandardError.TrimEnd('\n').Split('\n');
        Assert.HasCount(1, lines, r.StandardError);
        StringAssert.Contains(lines[0], code);
    }

    [TestMethod]
    public void Measure_SpellingsOfTheReference_PrintTheSameDigest()
    {
        AssertPrints(AmdSevOneVcpu, "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC-v4", "--ovmf", "amdsev.fd");
        AssertPrints(AmdSevOneVcpu, "--mode=snp", "--vcpus=1", "--vcpu-type=EPYC-v4", "--ovmf=amdsev.fd", "--guest-features", "1");
        AssertPrints(AmdSevOneVcpu, "--mode", "snp", "--vcpus", "01", "--vcpu-t", "EPYC-v4", "--ov", "amdsev.fd", "--guest-features", "0x_1");
        AssertPrints(AmdSevOneVcpu, "--mode", "snp", "--vcpus", "1", "--vcpu-sig", "0X800F12", "--ovmf", "amdsev.fd");
        AssertPrints(AmdSevOneVcpu, "--mode", "snp", "--vcpus", "1", "--vcpu-sig", "8392466", "--ovmf", "amdsev.fd");
        // A zero family or signature counts as absent in 0.0.13; the vCPU type decides.
        AssertPrints(AmdSevOneVcpu, "--mode", "snp", "--vcpus", "1", "--vcpu-family", "0", "--vcpu-type", "EPYC-v4", "--ovmf", "amdsev.fd");
        AssertPrints(AmdSevOneVcpu, "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--append", "", "--ovmf", "amdsev.fd");
    }

    [TestMethod]
    public void Measure_OutputForms_HexBase64AndVerbose()
    {
        AssertPrints("SYQCOcUGOFmVsifoUsgL22O+AVQd+CJEJzZmzC1ocYgR8rf++7RZYJ1RNEA2+axi", "--mode", "snp", "--vcpus", "2",
            "--vcpu-family", "25", "--vcpu-model", "17", "--vcpu-stepping", "1", "--ovmf", "amdsev.fd", "--output-format", "base64");
        AssertPrints("Calculated SEV_SNP guest measurement: " + AmdSevOneVcpu, "--mode", "snp", "--vcpus", "1", "--vcpu-type",
            "EPYC-v4", "--ovmf", "amdsev.fd", "-v");
        // snp:ovmf-hash always prints hex and ignores the other options.
        AssertPrints("9418a2ca4acdfc1fff85447e382c83c2ba8e1dcdb8cdcd7e37405136d3896ab2b89592a8d88d28f03a3bca6c247e26ea",
            "--mode", "snp:ovmf-hash", "--ovmf", "amdsev.fd", "--output-format", "base64");
    }

    [TestMethod]
    public void Measure_NegativeAndWrappedValues_AsTheReference()
    {
        const string allFeatures = "a899047a8323da96360e02878c20e77adb54d051ed1c666cd755d5ebc6008ff0ed1eed5cbd33223df570f03fcd759476";
        AssertPrints(allFeatures, "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features", "-1", "--ovmf", "amdsev.fd");
        AssertPrints(allFeatures, "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features=-0x1", "--ovmf", "amdsev.fd");
        AssertPrints("b56c4671964442d0f630a120f53e2f2b5c2013566755bd3ae54109b8d2a136cc833a3fd85cc11fcb0a4b5e665ef5e6c5", "--mode", "snp",
            "--vcpus", "2", "--vcpu-family", "300", "--vcpu-model", "-5", "--vcpu-stepping", "99", "--ovmf", "amdsev.fd");
        AssertPrints("99772040519e0ff3f56166aec946728efd87f563ff4e4ae9794cf5489d9bd1827f61236d4f6f627114aef7879475d8d1",
            "--mode", "snp", "--vcpus", "-3", "--vcpu-type", "EPYC", "--ovmf", "amdsev.fd");
    }

    [TestMethod]
    public void Measure_SevWithoutFooterTable_Succeeds_SnpFails()
    {
        AssertPrints("a2056a07ba89246d83bb82167a225e5e2d4ed8fcb858e9bedf19010e9f4f0392", "--mode", "sev", "--ovmf", "notable.fd");
        AssertFailsWithOneLine("CCIMG5004", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--ovmf", "notable.fd");
    }

    [TestMethod]
    public void Measure_RejectsWhatTheReferenceRejects()
    {
        AssertFailsWithOneLine("CCIMG5024", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--append", "x", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5024", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--initrd", "initrd.img", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5020", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "epyc", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5021", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--vmm-type", "qemu", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5022", "--mode", "snp", "--vcpu-type", "EPYC", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5023", "--mode", "snp", "--vcpus", "1", "--vcpu-sig", "0", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5025", "--mode", "snp", "--vcpus", "1", "--vcpu-family", "5", "--vcpu-model", "5", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5028", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features", "010", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5019", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--guest-features", "-0x1", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5019", "--mode", "snp", "--vcpu", "1", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5019", "--mode", "tdx", "--ovmf", "amdsev.fd");
        AssertFailsWithOneLine("CCIMG5019", "--mode", "snp", "--vcpus", "1");
        AssertFailsWithOneLine("CCIMG5019", "--mode", "sev", "--ovmf", "amdsev.fd", "--vars-size", "1", "--vars-file", "x");
        AssertFailsWithOneLine("CCIMG5013", "--mode", "sev", "--ovmf", "amdsev.fd", "--snp-ovmf-hash", "00");
        AssertFailsWithOneLine("CCIMG5018", "--mode", "snp:svsm", "--vcpus", "1", "--vcpu-type", "EPYC", "--ovmf", "svsm_ovmf.fd", "--svsm", "svsm.bin");
        AssertFailsWithOneLine("CCIMG5026", "--mode", "sev", "--ovmf", "amdsev.fd", "--dump-vmsa");
    }

    [TestMethod]
    public void Measure_FirmwareProblems_FailWithOneLine()
    {
        AssertFailsWithOneLine("CCIMG5008", "--mode", "snp", "--vcpus", "2", "--vcpu-type", "EPYC-Turin", "--ovmf", "nohashes.fd", "--kernel", "vmlinuz");
        AssertFailsWithOneLine("CCIMG5009", "--mode", "sev", "--ovmf", "nohashes.fd", "--kernel", "vmlinuz");
        AssertFailsWithOneLine("CCIMG5012", "--mode", "snp", "--vcpus", "2", "--vcpu-type", "EPYC", "--ovmf", "zeroap.fd");
        File.WriteAllBytes(Path.Combine(_dir, "cut.fd"), SnpTestImages.AmdSevLike()[1..]);
        AssertFailsWithOneLine("CCIMG5001", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--ovmf", "cut.fd");
        AssertFailsWithOneLine("ccimage:", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--ovmf", "missing.fd");
        AssertFailsWithOneLine("ccimage:", "--mode", "snp", "--vcpus", "1", "--vcpu-type", "EPYC", "--ovmf", "amdsev.fd", "--kernel", "missing");
    }

    [TestMethod]
    public void Measure_DumpVmsa_WritesOnePagePerVcpu()
    {
        AssertPrints("15e1cdfcc82bae495bf0bb1a58ad0b80c8c97792e8b090cd4b47730ad7e872181848c1dee4874c7379bc369718e6818d", "--mode", "snp",
            "--vcpus", "4", "--vcpu-type", "EPYC-Milan", "--ovmf", "amdsev.fd", "--kernel", "vmlinuz", "--initrd", "initrd.img", "--dump-vmsa");
        for (int i = 0; i < 4; i++)
            Assert.AreEqual(4096, new FileInfo(Path.Combine(_dir, $"vmsa{i}.bin")).Length);
        CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(_dir, "vmsa1.bin")), File.ReadAllBytes(Path.Combine(_dir, "vmsa3.bin")));
        CollectionAssert.AreNotEqual(File.ReadAllBytes(Path.Combine(_dir, "vmsa0.bin")), File.ReadAllBytes(Path.Combine(_dir, "vmsa1.bin")));
    }
}
