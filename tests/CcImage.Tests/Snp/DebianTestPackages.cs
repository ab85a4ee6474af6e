// Real firmware and kernel from Debian packages, downloaded once per test run (and cached across runs under
// artifacts/test-cache/debian) with CcImage's own DebianPackageFetcher: ovmf-amdsev from sid, ovmf and the
// linux-image-amd64 kernel from bookworm. The firmware is pinned by package version and SHA-256, because the tests
// compare its measurements with digests recorded from the reference tool: a different build fails the fetch
// (CCIMG4004, or the version is gone from the mirror) instead of silently skipping those comparisons. To move to a
// new build, change the pins and record its digests again with sev-snp-measure 0.0.13.
using CcImage.Core.Diagnostics;
using CcImage.Core.Packages;
using CcImage.Core.Tools;

namespace CcImage.Tests.Snp;

internal static class DebianTestPackages
{
    private static readonly Lazy<DebianPackageFetcher> Fetcher = new(() =>
        new DebianPackageFetcher(new ToolRunner(NullLog.Instance), NullLog.Instance, CacheDirectory));

    /// <summary>The pinned ovmf-amdsev build (sid) and the SHA-256 of its OVMF.amdsev.fd.</summary>
    public const string AmdSevVersion = "2026.08+ds-2";
    public const string AmdSevSha256 = "3e4fd0b3fe3b2dbe481c3d9e99418a034174f26cbe1f55aa212b0f18c12d2d6f";

    /// <summary>The pinned ovmf build (bookworm) and the SHA-256 of its OVMF_CODE_4M.fd.</summary>
    public const string OvmfVersion = "2022.11-6+deb12u2";
    public const string Ovmf4MCodeSha256 = "b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c";

    private static readonly Lazy<string> AmdSevLazy = new(() =>
        Fetcher.Value.FetchFile("ovmf-amdsev", "sid", "/usr/share/ovmf/OVMF.amdsev.fd", AmdSevVersion, AmdSevSha256));

    private static readonly Lazy<string> OvmfRoot = new(() =>
    {
        Fetcher.Value.FetchFile("ovmf", "bookworm", "/usr/share/OVMF/OVMF_CODE_4M.fd", OvmfVersion, Ovmf4MCodeSha256);
        return Fetcher.Value.FetchPackage("ovmf", "bookworm", OvmfVersion, CancellationToken.None, out _);
    });

    private static readonly Lazy<string> KernelLazy = new(() =>
    {
        string image = Fetcher.Value.FirstDependency("linux-image-amd64", "bookworm")
                       ?? throw new InvalidOperationException("linux-image-amd64 has no dependency in bookworm");
        string root = Fetcher.Value.FetchPackage(image, "bookworm", null, CancellationToken.None, out _);
        return Directory.GetFiles(Path.Combine(root, "boot"), "vmlinuz-*").Single();
    });

    public static string CacheDirectory => Path.Combine(TestPaths.RepoRoot, "artifacts", "test-cache", "debian");

    /// <summary>OVMF.amdsev.fd from sid's ovmf-amdsev (pinned): the kernel-hashes-capable AmdSev build.</summary>
    public static string AmdSevFirmware => AmdSevLazy.Value;

    /// <summary>OVMF_CODE_4M.fd from bookworm's ovmf: an OvmfX64 build with an SEV footer table but no kernel hashes.</summary>
    public static string Bookworm4MCode => Path.Combine(OvmfRoot.Value, "usr/share/OVMF/OVMF_CODE_4M.fd");

    /// <summary>OVMF_VARS_4M.fd from bookworm's ovmf: a variable store, no footer table.</summary>
    public static string Bookworm4MVars => Path.Combine(OvmfRoot.Value, "usr/share/OVMF/OVMF_VARS_4M.fd");

    /// <summary>The vmlinuz of bookworm's current linux-image-amd64.</summary>
    public static string Kernel => KernelLazy.Value;
}
