// The fetcher against the machine's Debian mirror: a pinned SHA-256 is enforced, a missing file is named, and a second
// fetch of the same version comes from the cache (shares the once-per-run download with DebianTestPackages).
using System.Security.Cryptography;
using CcImage.Core.Diagnostics;
using CcImage.Core.Packages;
using CcImage.Core.Tools;

namespace CcImage.Tests.Snp;

[TestClass]
public sealed class DebianPackageFetcherTests
{
    private static DebianPackageFetcher NewFetcher() =>
        new(new ToolRunner(NullLog.Instance), NullLog.Instance, DebianTestPackages.CacheDirectory);

    [TestMethod]
    public void FetchFile_PinnedSha256_MatchIsAccepted_MismatchIsCcimg4004()
    {
        string firmware = DebianTestPackages.AmdSevFirmware;
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(firmware)));
        var fetcher = NewFetcher();
        Assert.AreEqual(firmware, fetcher.FetchFile("ovmf-amdsev", "sid", "/usr/share/ovmf/OVMF.amdsev.fd", expectedSha256: sha.ToUpperInvariant()));
        var e = Assert.ThrowsExactly<CcImageException>(() =>
            fetcher.FetchFile("ovmf-amdsev", "sid", "/usr/share/ovmf/OVMF.amdsev.fd", expectedSha256: new string('0', 64)));
        Assert.AreEqual("CCIMG4004", e.Code);
    }

    [TestMethod]
    public void FetchFile_PathNotInPackage_IsCcimg4003()
    {
        _ = DebianTestPackages.AmdSevFirmware;
        var e = Assert.ThrowsExactly<CcImageException>(() =>
            NewFetcher().FetchFile("ovmf-amdsev", "sid", "/usr/share/ovmf/NOT-THERE.fd"));
        Assert.AreEqual("CCIMG4003", e.Code);
    }

    [TestMethod]
    public void FetchPackage_UnknownPackage_IsCcimg4002()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() =>
            NewFetcher().FetchPackage("ccimage-no-such-package", "sid", null, CancellationToken.None, out _));
        Assert.AreEqual("CCIMG4002", e.Code);
    }
}
