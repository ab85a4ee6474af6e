// Launch digests of synthetic firmware shapes in every mode, VMM type and option kind. The expected values were
// computed with virtee/sev-snp-measure 0.0.13 on the same bytes (SnpTestImages.WriteAll) when these tests were written.
using CcImage.Core.Diagnostics;
using CcImage.Core.Snp;

namespace CcImage.Tests.Snp;

[TestClass]
public sealed class LaunchDigestCalculatorTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void WriteImages(TestContext _)
    {
        _dir = TestPaths.NewTempDir("snp-calc");
        SnpTestImages.WriteAll(_dir);
    }

    [ClassCleanup]
    public static void RemoveImages() => Directory.Delete(_dir, recursive: true);

    private static string F(string name) => Path.Combine(_dir, name);

    private static string Hex(byte[] digest) => Convert.ToHexStringLower(digest);

    private static ulong Sig(string type) => VcpuSignature.TryGetByType(type, out ulong sig) ? sig : throw new ArgumentException(type);

    private static MeasurementRequest Snp(string ovmf, int vcpus, ulong sig, VmmType vmm = VmmType.QEMU, bool kernel = false,
        bool initrd = false, string? append = null, ulong features = 1) => new()
    {
        Mode = SevMode.SEV_SNP,
        OvmfPath = F(ovmf),
        Vcpus = vcpus,
        VcpuSig = sig,
        VmmType = vmm,
        GuestFeatures = features,
        KernelPath = kernel ? F("vmlinuz") : null,
        InitrdPath = initrd ? F("initrd.img") : null,
        Append = append,
    };

    [TestMethod]
    public void Snp_AllItemTypes_NoKernel_MatchesReference() =>
        Assert.AreEqual("e8f16b66d4719f016099adbd9f9006426b5b8dee41b3c27093acc7f86bcf2c674866085788005ed512e7b095ea610eae",
            Hex(LaunchDigestCalculator.Calculate(Snp("amdsev.fd", 1, Sig("EPYC-v4")))));

    [TestMethod]
    public void Snp_KernelInitrd_FourVcpus_MatchesReference() =>
        Assert.AreEqual("15e1cdfcc82bae495bf0bb1a58ad0b80c8c97792e8b090cd4b47730ad7e872181848c1dee4874c7379bc369718e6818d",
            Hex(LaunchDigestCalculator.Calculate(Snp("amdsev.fd", 4, Sig("EPYC-Milan"), kernel: true, initrd: true))));

    [TestMethod]
    public void Snp_KernelInitrdCmdline_MatchesReference() =>
        Assert.AreEqual("3b8caf834566f77d4dfd35b432387e4b73538ba02a6b000cd0f2996ce82b01db9b05d9d99820680718cf2080c0be2cc1",
            Hex(LaunchDigestCalculator.Calculate(Snp("amdsev.fd", 4, Sig("EPYC-v4"), kernel: true, initrd: true, append: SnpTestImages.Cmdline))));

    [TestMethod]
    public void Snp_Ec2_CpuidPagesLast_MatchesReference() =>
        Assert.AreEqual("18e5f7f865285cc678f0a3ac9445ddb80e54d6d00fda2c0b4c7ca7e97cf8d4417647179a5bf4233900b6ca7f30668fae",
            Hex(LaunchDigestCalculator.Calculate(Snp("amdsev.fd", 3, 0, VmmType.ec2, kernel: true))));

    [TestMethod]
    public void Snp_Gce_SecMemUnmeasured_GuestFeatures_MatchesReference() =>
        Assert.AreEqual("380eb5e39ee9135b762bcf51294a85b25a57c6174731746abc998250d04267eb6f33d22d5ca14a28f4796a2af44e5403",
            Hex(LaunchDigestCalculator.Calculate(Snp("amdsev.fd", 2, 0, VmmType.gce, features: 0x21))));

    [TestMethod]
    public void Snp_OddOrder_KernelHashesFirst_MatchesReference()
    {
        Assert.AreEqual("ce3e5894f9e54f6f5f7f2d8b24c93a9d99af8204e9b48a2d55a2401327207aae5204598fb067c107c96a387db3914afe",
            Hex(LaunchDigestCalculator.Calculate(Snp("odd.fd", 2, Sig("EPYC-Genoa"), kernel: true, initrd: true))));
        Assert.AreEqual("1e6954327a810449980556f572d9724498361a8d203bb81762256d27ba19ada29766fe3f6e21a34b6a839ec3c4503403",
            Hex(LaunchDigestCalculator.Calculate(Snp("odd.fd", 2, Sig("EPYC-Genoa")))));
    }

    [TestMethod]
    public void Snp_OddOrder_Ec2_TwoCpuidPagesMovedToEnd_MatchesReference() =>
        Assert.AreEqual("bb5419bb15b7e8a06993d6e54e42cae6616c2c2d531512d059a3e79b45852b7443bc9ef5be748f460e4d9915769b9379",
            Hex(LaunchDigestCalculator.Calculate(Snp("odd.fd", 5, 0, VmmType.ec2))));

    [TestMethod]
    public void Snp_NoKernelHashesFirmware_WithoutKernel_MatchesReference() =>
        Assert.AreEqual("f9995cb2c1b9bd76cbe017e91f2b0339b722d2d474bcd2249f59a18f46e3c3396ea31512b99700d331046b64bc2abcfc",
            Hex(LaunchDigestCalculator.Calculate(Snp("nohashes.fd", 2, Sig("EPYC-Turin")))));

    [TestMethod]
    public void Snp_NoKernelHashesFirmware_WithKernel_IsCcimg5008()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() =>
            LaunchDigestCalculator.Calculate(Snp("nohashes.fd", 2, Sig("EPYC-Turin"), kernel: true)));
        Assert.AreEqual("CCIMG5008", e.Code);
    }

    [TestMethod]
    public void Snp_NoFooterTable_IsCcimg5004()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => LaunchDigestCalculator.Calculate(Snp("notable.fd", 1, Sig("EPYC"))));
        Assert.AreEqual("CCIMG5004", e.Code);
    }

    [TestMethod]
    public void Snp_ZeroApEip_OneVcpuMeasures_TwoFail()
    {
        Assert.AreEqual("0525b722b75753a7fc07d003108c6a04d40c3efafe242fa2bbec788f80a63a2f7945181701d57d440e02f2a1aa2ca1a7",
            Hex(LaunchDigestCalculator.Calculate(Snp("zeroap.fd", 1, Sig("EPYC")))));
        var e = Assert.ThrowsExactly<CcImageException>(() => LaunchDigestCalculator.Calculate(Snp("zeroap.fd", 2, Sig("EPYC"))));
        Assert.AreEqual("CCIMG5012", e.Code);
    }

    [TestMethod]
    public void Snp_ZeroVcpus_MeasuresNoVmsa_MatchesReference() =>
        Assert.AreEqual("99772040519e0ff3f56166aec946728efd87f563ff4e4ae9794cf5489d9bd1827f61236d4f6f627114aef7879475d8d1",
            Hex(LaunchDigestCalculator.Calculate(Snp("amdsev.fd", 0, Sig("EPYC")))));

    [TestMethod]
    public void Snp_VcpuSigAndGuestFeatures_MatchesReference() =>
        Assert.AreEqual("42f2a76beeecaf48f7b54e568eea54910952ea62ffbb0bb9f503188689b8ce3628cea5e46a397253d37ac4cbd216f112",
            Hex(LaunchDigestCalculator.Calculate(Snp("amdsev.fd", 2, 0x800F12, features: 0x5))));

    [TestMethod]
    public void SnpOvmfHash_MatchesReference_AndSeedsTheSameDigest()
    {
        byte[] ovmfHash = LaunchDigestCalculator.CalculateSnpOvmfHash(F("amdsev.fd"));
        Assert.AreEqual("9418a2ca4acdfc1fff85447e382c83c2ba8e1dcdb8cdcd7e37405136d3896ab2b89592a8d88d28f03a3bca6c247e26ea", Hex(ovmfHash));
        var seeded = Snp("amdsev.fd", 1, Sig("EPYC-v4")) with { SnpOvmfHash = Hex(ovmfHash) };
        Assert.AreEqual("e8f16b66d4719f016099adbd9f9006426b5b8dee41b3c27093acc7f86bcf2c674866085788005ed512e7b095ea610eae",
            Hex(LaunchDigestCalculator.Calculate(seeded)));
    }

    [TestMethod]
    public void SevEs_KernelInitrdCmdline_MatchesReference()
    {
        var request = new MeasurementRequest
        {
            Mode = SevMode.SEV_ES, OvmfPath = F("amdsev.fd"), Vcpus = 2, VcpuSig = Sig("EPYC-Rome"),
            KernelPath = F("vmlinuz"), InitrdPath = F("initrd.img"),
        };
        Assert.AreEqual("05e42df2535f680ec3b5213395d817c0199ea4b5f6a1c255b3690f88513e09d2", Hex(LaunchDigestCalculator.Calculate(request)));
        Assert.AreEqual("16487af9f160283264f6b007dccffbc3e58b26aeb11418399b54fa4ed1b06e52",
            Hex(LaunchDigestCalculator.Calculate(request with { Append = SnpTestImages.Cmdline })));
    }

    [TestMethod]
    public void SevEs_Gce_MatchesReference() =>
        Assert.AreEqual("9615102e3bde7b7f06210fd1fdac44bfc5c7ac7b016af29f5f3a919cb7158cd7",
            Hex(LaunchDigestCalculator.Calculate(new MeasurementRequest
            {
                Mode = SevMode.SEV_ES, OvmfPath = F("nohashes.fd"), Vcpus = 3, VmmType = VmmType.gce,
            })));

    [TestMethod]
    public void Sev_KernelInitrd_AndNoTable_MatchReference()
    {
        Assert.AreEqual("da043aa425f47b23c2fe72ff25d78bc017c37c85d0f4bd345f67da8a4b65599d",
            Hex(LaunchDigestCalculator.Calculate(new MeasurementRequest
            {
                Mode = SevMode.SEV, OvmfPath = F("amdsev.fd"), KernelPath = F("vmlinuz"), InitrdPath = F("initrd.img"),
            })));
        Assert.AreEqual("6eed1e746578576e338961d1b299861cdbeea09e5ee145934ef21a0e806c5d2e",
            Hex(LaunchDigestCalculator.Calculate(new MeasurementRequest
            {
                Mode = SevMode.SEV, OvmfPath = F("odd.fd"), KernelPath = F("vmlinuz"), Append = SnpTestImages.Cmdline,
            })));
        // Without a footer table SEV measures the plain SHA-256 of the file, as the reference does.
        Assert.AreEqual("a2056a07ba89246d83bb82167a225e5e2d4ed8fcb858e9bedf19010e9f4f0392",
            Hex(LaunchDigestCalculator.Calculate(new MeasurementRequest { Mode = SevMode.SEV, OvmfPath = F("notable.fd") })));
    }

    [TestMethod]
    public void Svsm_VarsSizeAndVarsFileSize_MatchReference()
    {
        var request = new MeasurementRequest
        {
            Mode = SevMode.SEV_SNP_SVSM, OvmfPath = F("svsm_ovmf.fd"), SvsmPath = F("svsm.bin"), Vcpus = 2,
            VcpuSig = Sig("EPYC-Milan"), OvmfVarsSize = 540672,
        };
        Assert.AreEqual("c047ee51c8aa5e753b657da84f1671afd6ba6c41c816f7dc5bd1f721a6993d44b82c0f4e30a3cd7e630509f5455cfc26",
            Hex(LaunchDigestCalculator.Calculate(request)));
        Assert.AreEqual("5c4788eba84b860bf4ca95cabb4d72fabb9059ae2b2a8ffe62ffaaf95a57ebc97a2676d86765382dc5107b9627016e60",
            Hex(LaunchDigestCalculator.Calculate(request with { Vcpus = 3, VcpuSig = 0xA00F11, OvmfVarsSize = new FileInfo(F("nohashes.fd")).Length })));
    }

    [TestMethod]
    public void Svsm_OtherVmm_IsCcimg5017()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => LaunchDigestCalculator.Calculate(new MeasurementRequest
        {
            Mode = SevMode.SEV_SNP_SVSM, OvmfPath = F("svsm_ovmf.fd"), SvsmPath = F("svsm.bin"), Vcpus = 1,
            VmmType = VmmType.ec2, OvmfVarsSize = 4096,
        }));
        Assert.AreEqual("CCIMG5017", e.Code);
    }

    [TestMethod]
    public void Snp_FirmwareNotPageMultiple_IsCcimg5001()
    {
        string odd = F("short.fd");
        File.WriteAllBytes(odd, SnpTestImages.AmdSevLike()[100..]);
        var e = Assert.ThrowsExactly<CcImageException>(() => LaunchDigestCalculator.Calculate(Snp("short.fd", 1, 1)));
        Assert.AreEqual("CCIMG5001", e.Code);
    }
}
