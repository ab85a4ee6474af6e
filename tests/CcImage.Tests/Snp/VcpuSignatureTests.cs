// vCPU signatures of QEMU's EPYC models and from family/model/stepping (AMD CPUID specification 25481).
using CcImage.Core.Snp;

namespace CcImage.Tests.Snp;

[TestClass]
public sealed class VcpuSignatureTests
{
    [TestMethod]
    [DataRow("EPYC", 0x00800F12UL)]
    [DataRow("EPYC-v4", 0x00800F12UL)]
    [DataRow("EPYC-IBPB", 0x00800F12UL)]
    [DataRow("EPYC-Rome-v3", 0x00830F10UL)]
    [DataRow("EPYC-Milan", 0x00A00F11UL)]
    [DataRow("EPYC-Genoa-v1", 0x00A10F10UL)]
    [DataRow("EPYC-Turin", 0x00B00F00UL)]
    public void TryGetByType_KnownModels(string type, ulong expected)
    {
        Assert.IsTrue(VcpuSignature.TryGetByType(type, out ulong sig));
        Assert.AreEqual(expected, sig);
    }

    [TestMethod]
    public void TryGetByType_IsCaseSensitive_AndHasSixteenModels()
    {
        Assert.IsFalse(VcpuSignature.TryGetByType("epyc-v4", out _));
        Assert.HasCount(16, VcpuSignature.Types);
    }

    [TestMethod]
    public void Compute_BaseFamilyBelowF_HasNoExtendedFamily() =>
        Assert.AreEqual(0x00000652UL, VcpuSignature.Compute(6, 5, 2));
}
