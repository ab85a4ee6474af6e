// The reproducible salt and UUID derived from a seed (the scheme documented in docs/verity.md).
using System.Security.Cryptography;
using System.Text;
using CcImage.Core.Diagnostics;
using CcImage.Core.Verity;

namespace CcImage.Tests.Verity;

[TestClass]
public sealed class VeritySeedTests
{
    [TestMethod]
    public void DeriveSalt_IsSha256OfLabelAndSeed()
    {
        byte[] expected = SHA256.HashData(Encoding.UTF8.GetBytes("ccimage-verity-salt\0site-a/root"));
        CollectionAssert.AreEqual(expected, VeritySeed.DeriveSalt("site-a/root"));
        CollectionAssert.AreNotEqual(expected, VeritySeed.DeriveSalt("site-b/root"));
    }

    [TestMethod]
    public void DeriveUuid_IsStable_Version8_RfcVariant()
    {
        string uuid = VeritySeed.DeriveUuid("site-a/root");
        Assert.AreEqual(uuid, VeritySeed.DeriveUuid("site-a/root"));
        StringAssert.Matches(uuid, new System.Text.RegularExpressions.Regex("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$"));
        byte[] digest = SHA256.HashData(Encoding.UTF8.GetBytes("ccimage-verity-uuid\0site-a/root"));
        Assert.AreEqual(Convert.ToHexString(digest, 0, 4).ToLowerInvariant(), uuid[..8]);
    }

    [TestMethod]
    public void Derive_EmptySeed_IsAnError()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => VeritySeed.DeriveSalt(""));
        Assert.AreEqual("CCIMG2218", e.Code);
    }
}
