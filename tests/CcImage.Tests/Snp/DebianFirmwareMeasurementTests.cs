// Measurements of real firmware from Debian packages and a real Debian kernel.
//
// The firmware builds are pinned (DebianTestPackages: package version and SHA-256), and every exact digest below was
// computed by virtee/sev-snp-measure 0.0.13 for those builds; a firmware that is not in the table fails the test
// (it cannot pass by skipping the comparison). Besides the exact digests the tests check invariants that hold for every
// build (footer entries, metadata item types, which firmware can measure a kernel, which inputs are refused) and
// self-consistency between modes (snp with --snp-ovmf-hash from snp:ovmf-hash equals snp; SEV equals the SHA-256 of the
// firmware followed by the kernel hashes table laid out independently here from QEMU's struct).
// The kernel and initrd of the exact digests are synthetic (the real kernel only enters through its SHA-256); the
// real kernel, which moves with bookworm's point releases, is measured in the consistency checks.
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CcImage.Core.Diagnostics;
using CcImage.Core.Snp;

namespace CcImage.Tests.Snp;

[TestClass]
public sealed class DebianFirmwareMeasurementTests
{
    private static string _dir = "";

    /// <summary>Digests computed with sev-snp-measure 0.0.13, by firmware SHA-256, then by case name.</summary>
    private static readonly Dictionary<string, Dictionary<string, string>> KnownBuilds = new()
    {
        // ovmf-amdsev 2026.08+ds-2 (sid), OVMF.amdsev.fd
        ["3e4fd0b3fe3b2dbe481c3d9e99418a034174f26cbe1f55aa212b0f18c12d2d6f"] = new()
        {
            ["snp-1-EPYC-v4"] = "d74bd3ea40b240c3228edc5177ce6193561ebff633dbd0be76d6c143b876d65102425c0e2e8a930857c48daa5eacda58",
            ["snp-4-EPYC-Milan-kernel-initrd-cmdline"] = "5522d0114978e6aab2a95a1ad31870c3b600d282499a33ff9ab44ddb9571f664f3a54fa249249dd48fe1bd316c40cf10",
            ["snp-2-ec2-kernel"] = "8a86af35cde73efd44ac99b703847c20854973c0b3c4eb7d4928d588f89cad4941f4a5c0c9f359f11b495f1db59728a6",
            ["snp-2-gce"] = "6405f8c894bda7cc5c14f3d02409c19905af1a428a3a741edd0b8bb8bb93a96d297f15852759e69e84ebdb8d1d84ec11",
            ["snp-64-EPYC-Turin-kernel-initrd"] = "d0d22ac3d7e4fd6ae6fe6f1293b7163770eb48d6404cb68fc5409572e81ace9cd61c332f4500b7eed9a5b8e00e57366c",
            ["seves-2-EPYC-Genoa-kernel-initrd-cmdline"] = "2e2f8c85a743860a19c680dee5baca68d65f12ae0f7d67e6d6cb35709ac3cfd9",
            ["sev-kernel-initrd-cmdline"] = "48fa5adc31bbb547dab03f960d40857cc573af35aed3e81d5dce95d4a28f4640",
            ["snp:ovmf-hash"] = "9d0dd8be18c86e3fe3bf0038ed75ebf5340bee69fd2632c8ff9409964575960ae1f7e84be387d2e3467bc3508d1e4806",
        },
        // ovmf 2022.11-6+deb12u2 (bookworm), OVMF_CODE_4M.fd
        ["b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c"] = new()
        {
            ["snp-2-EPYC-v4"] = "f2479663bf36893aefd555407bbd222a2a0de85f4bc6453c0c7ee28b8261de1f0c252ef606d778afc0ac22fd43df5aef",
            ["snp-64-gce"] = "e2500e1a5baacfb4f98c1fd01d357d00f26fa64c995ad5ccf25c29622cff25d21b30e387bc7f5aa187e06afe80ab6dd2",
            ["seves-2-EPYC-v4"] = "9322d994f884746b0f5da99a594a7e1d9a72e6366e163603f263d64e470e0dc6",
            ["snp:ovmf-hash"] = "9fcd8d0a1e49276166981a44bd5487d27508b5f3161c10d316342e56580c498a75420eca6119e10ad6af5849d107345d",
        },
    };

    [ClassInitialize]
    public static void WriteBootFiles(TestContext _)
    {
        _dir = TestPaths.NewTempDir("snp-debian");
        SnpTestImages.WriteAll(_dir);
    }

    [ClassCleanup]
    public static void RemoveBootFiles() => Directory.Delete(_dir, recursive: true);

    private static string F(string name) => Path.Combine(_dir, name);
    private static string Hex(byte[] d) => Convert.ToHexStringLower(d);
    private static ulong Sig(string type) => VcpuSignature.TryGetByType(type, out ulong s) ? s : throw new ArgumentException(type);
    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    private static void AssertKnown(string firmware, string caseName, byte[] digest)
    {
        if (!KnownBuilds.TryGetValue(Sha256(firmware), out var cases))
            Assert.Fail($"{Path.GetFileName(firmware)} ({Sha256(firmware)}) is not a pinned firmware build: pin it in DebianTestPackages and record its digests with sev-snp-measure 0.0.13.");
        if (!cases.TryGetValue(caseName, out string? expected))
            Assert.Fail($"No digest recorded for {caseName} of {Path.GetFileName(firmware)}.");
        Assert.AreEqual(expected, Hex(digest), caseName);
    }

    [TestMethod]
    public void PinnedFirmware_IsInTheTableOfRecordedDigests()
    {
        Assert.AreEqual(DebianTestPackages.AmdSevSha256, Sha256(DebianTestPackages.AmdSevFirmware));
        Assert.AreEqual(DebianTestPackages.Ovmf4MCodeSha256, Sha256(DebianTestPackages.Bookworm4MCode));
        Assert.IsTrue(KnownBuilds.ContainsKey(DebianTestPackages.AmdSevSha256));
        Assert.IsTrue(KnownBuilds.ContainsKey(DebianTestPackages.Ovmf4MCodeSha256));
    }

    [TestMethod]
    public void AmdSevFirmware_HasKernelHashesAndEveryNeededEntry()
    {
        var ovmf = OvmfImage.Load(DebianTestPackages.AmdSevFirmware);
        Assert.AreEqual(0, ovmf.Data.Length % AmdSevSnpAbi.PageSize);
        Assert.AreEqual(AmdSevSnpAbi.FourGiB, ovmf.Gpa + ovmf.Data.Length);
        Assert.AreNotEqual(0u, ovmf.SevEsResetEip);
        Assert.IsTrue(ovmf.IsSevHashesTableSupported);
        var types = ovmf.MetadataItems.Select(i => i.SectionType).ToHashSet();
        foreach (var needed in new[] { SectionType.SNP_SEC_MEM, SectionType.SNP_SECRETS, SectionType.CPUID, SectionType.SNP_KERNEL_HASHES })
            Assert.Contains(needed, types);
        // The hashes table lies inside the page the SNP_KERNEL_HASHES section measures.
        var hashesSection = ovmf.MetadataItems.Single(i => i.SectionType == SectionType.SNP_KERNEL_HASHES);
        Assert.AreEqual(hashesSection.Gpa, ovmf.SevHashesTableGpa & ~0xFFFu);
    }

    [TestMethod]
    public void AmdSevFirmware_Snp_MatchesReference_AndOvmfHashSeedIsConsistent()
    {
        string fw = DebianTestPackages.AmdSevFirmware;
        var one = new MeasurementRequest { Mode = SevMode.SEV_SNP, OvmfPath = fw, Vcpus = 1, VcpuSig = Sig("EPYC-v4") };
        byte[] digest = LaunchDigestCalculator.Calculate(one);
        AssertKnown(fw, "snp-1-EPYC-v4", digest);
        byte[] ovmfHash = LaunchDigestCalculator.CalculateSnpOvmfHash(fw);
        AssertKnown(fw, "snp:ovmf-hash", ovmfHash);
        CollectionAssert.AreEqual(digest, LaunchDigestCalculator.Calculate(one with { SnpOvmfHash = Hex(ovmfHash) }));

        var full = one with { Vcpus = 4, VcpuSig = Sig("EPYC-Milan"), KernelPath = F("vmlinuz"), InitrdPath = F("initrd.img"), Append = SnpTestImages.Cmdline };
        AssertKnown(fw, "snp-4-EPYC-Milan-kernel-initrd-cmdline", LaunchDigestCalculator.Calculate(full));
        AssertKnown(fw, "snp-2-ec2-kernel", LaunchDigestCalculator.Calculate(one with { Vcpus = 2, VcpuSig = 0, VmmType = VmmType.ec2, KernelPath = F("vmlinuz") }));
        AssertKnown(fw, "snp-2-gce", LaunchDigestCalculator.Calculate(one with { Vcpus = 2, VcpuSig = 0, VmmType = VmmType.gce }));
        AssertKnown(fw, "snp-64-EPYC-Turin-kernel-initrd", LaunchDigestCalculator.Calculate(
            one with { Vcpus = 64, VcpuSig = Sig("EPYC-Turin"), KernelPath = F("vmlinuz"), InitrdPath = F("initrd.img") }));
    }

    [TestMethod]
    public void AmdSevFirmware_SevAndSevEs_MatchReference_AndSevIsFirmwarePlusHashTable()
    {
        string fw = DebianTestPackages.AmdSevFirmware;
        var sev = new MeasurementRequest
        {
            Mode = SevMode.SEV, OvmfPath = fw, KernelPath = F("vmlinuz"), InitrdPath = F("initrd.img"), Append = SnpTestImages.Cmdline,
        };
        byte[] sevDigest = LaunchDigestCalculator.Calculate(sev);
        AssertKnown(fw, "sev-kernel-initrd-cmdline", sevDigest);
        AssertKnown(fw, "seves-2-EPYC-Genoa-kernel-initrd-cmdline", LaunchDigestCalculator.Calculate(
            sev with { Mode = SevMode.SEV_ES, Vcpus = 2, VcpuSig = Sig("EPYC-Genoa") }));

        // With the real Debian kernel, SEV is SHA-256(firmware ‖ QEMU's SevHashTable), the table laid out here by hand.
        string kernel = DebianTestPackages.Kernel;
        byte[] real = LaunchDigestCalculator.Calculate(sev with { KernelPath = kernel, InitrdPath = null, Append = "console=ttyS0" });
        byte[] expected = SHA256.HashData([.. File.ReadAllBytes(fw), .. QemuSevHashTable(
            SHA256.HashData(Encoding.UTF8.GetBytes("console=ttyS0\0")), SHA256.HashData([]), SHA256.HashData(File.ReadAllBytes(kernel)))]);
        CollectionAssert.AreEqual(expected, real);
    }

    [TestMethod]
    public void AmdSevFirmware_RealKernel_CliTaskPathAndLibraryAgree()
    {
        string fw = DebianTestPackages.AmdSevFirmware, kernel = DebianTestPackages.Kernel;
        var expected = ExpectedMeasurement.Compute("snp", fw, kernel, F("initrd.img"), "console=ttyS0 root=/dev/vda1", 2,
            "EPYC-v4", "QEMU", "0x1");
        // The JSON's inputs, given to `ccimage measure`, reproduce its measurement.
        var cli = CcImageCli.RunIn(_dir, "measure", "--mode", expected.Mode, "--vcpus", expected.Vcpus.ToString(CultureInfo.InvariantCulture),
            "--vcpu-type", expected.VcpuType, "--vmm-type", expected.VmmType, "--guest-features", "0x1", "--ovmf", fw,
            "--kernel", kernel, "--initrd", F("initrd.img"), "--append", expected.Cmdline!);
        Assert.AreEqual(0, cli.ExitCode, cli.StandardError);
        Assert.AreEqual(expected.MeasurementHex + "\n", cli.StandardOutput);
        Assert.AreEqual(Convert.ToBase64String(Convert.FromHexString(expected.MeasurementHex)), expected.MeasurementBase64);
        Assert.AreEqual(Sha256(kernel), expected.KernelSha256);
        // A one-byte change of the command line changes the measurement.
        var other = ExpectedMeasurement.Compute("snp", fw, kernel, F("initrd.img"), "console=ttyS0 root=/dev/vda2", 2,
            "EPYC-v4", "QEMU", "0x1");
        Assert.AreNotEqual(expected.MeasurementHex, other.MeasurementHex);
    }

    [TestMethod]
    public void BookwormOvmf_MeasuresWithoutKernel_RefusesKernel()
    {
        string fw = DebianTestPackages.Bookworm4MCode;
        var ovmf = OvmfImage.Load(fw);
        Assert.IsTrue(ovmf.Table.Present);
        Assert.AreNotEqual(0u, ovmf.SevEsResetEip);
        Assert.IsFalse(ovmf.HasMetadataSection(SectionType.SNP_KERNEL_HASHES));
        var snp = new MeasurementRequest { Mode = SevMode.SEV_SNP, OvmfPath = fw, Vcpus = 2, VcpuSig = Sig("EPYC-v4") };
        AssertKnown(fw, "snp-2-EPYC-v4", LaunchDigestCalculator.Calculate(snp));
        AssertKnown(fw, "snp-64-gce", LaunchDigestCalculator.Calculate(snp with { Vcpus = 64, VcpuSig = 0, VmmType = VmmType.gce }));
        AssertKnown(fw, "seves-2-EPYC-v4", LaunchDigestCalculator.Calculate(snp with { Mode = SevMode.SEV_ES }));
        AssertKnown(fw, "snp:ovmf-hash", LaunchDigestCalculator.CalculateSnpOvmfHash(fw));
        // SEV of a firmware without kernel is the firmware's SHA-256.
        Assert.AreEqual(Sha256(fw), Hex(LaunchDigestCalculator.Calculate(new MeasurementRequest { Mode = SevMode.SEV, OvmfPath = fw })));

        var e = Assert.ThrowsExactly<CcImageException>(() =>
            LaunchDigestCalculator.Calculate(snp with { KernelPath = DebianTestPackages.Kernel }));
        Assert.AreEqual("CCIMG5008", e.Code);
    }

    [TestMethod]
    public void BookwormOvmfVars_HasNoFooterTable_SnpRefuses()
    {
        string vars = DebianTestPackages.Bookworm4MVars;
        Assert.IsFalse(OvmfImage.Load(vars).Table.Present);
        var e = Assert.ThrowsExactly<CcImageException>(() => LaunchDigestCalculator.Calculate(
            new MeasurementRequest { Mode = SevMode.SEV_SNP, OvmfPath = vars, Vcpus = 1, VcpuSig = Sig("EPYC") }));
        Assert.AreEqual("CCIMG5004", e.Code);
    }

    /// <summary>QEMU's SevHashTable (target/i386/sev.c), written field by field, padded to 16 bytes.</summary>
    private static byte[] QemuSevHashTable(byte[] cmdline, byte[] initrd, byte[] kernel)
    {
        var table = new List<byte>();
        table.AddRange(new Guid("9438d606-4f22-4cc9-b479-a793d411fd21").ToByteArray());
        table.AddRange(BitConverter.GetBytes((ushort)168));
        foreach (var (guid, hash) in new[]
                 {
                     ("97d02dd8-bd20-4c94-aa78-e7714d36ab2a", cmdline), ("44baf731-3a2f-4bd7-9af1-41e29169781d", initrd),
                     ("4de79437-abd2-427f-b835-d5b172d2045b", kernel),
                 })
        {
            table.AddRange(new Guid(guid).ToByteArray());
            table.AddRange(BitConverter.GetBytes((ushort)50));
            table.AddRange(hash);
        }
        table.AddRange(new byte[176 - table.Count]);
        return [.. table];
    }
}
