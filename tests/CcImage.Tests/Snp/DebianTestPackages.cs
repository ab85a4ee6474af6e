// Real firmware and kernel from Debian packages, downloaded once per test run (and cached across runs under
// artifacts/test-cache/debian) with CcImage's own DebianPackageFetcher: ovmf-amdsev from sid, ovmf and the
// linux-image-amd64 kernel from bookworm.
using CcImage.Core.Diagnostics;
using CcImage.Core.Packages;
using CcImage.Core.Tools;

namespace CcImage.Tests.Snp;

internal static class DebianTestPackages
{
    private static readonly Lazy<DebianPackageFetcher> Fetcher = new(() =>
        new DebianPackageFetcher(new ToolRunner(NullLog.Instance), NullLog.Instance, CacheDirectory));

    private static readonly Lazy<string> AmdSevLazy = new(() =>
        Fetcher.Value.FetchFile("ovmf-amdsev", "sid", "/usr/share/ovmf/OVMF.amdsev.fd"));

    private static readonly Lazy<string> OvmfRoot = new(() =>
        Fetcher.Value.FetchPackage("ovmf", "bookworm", null, CancellationToken.None, out _));

    private static readonly Lazy<string> KernelLazy = new(() =>
    {
        string image = Fetcher.Value.FirstDependency("linux-image-amd64", "bookworm")
                       ?? throw new InvalidOperationException("linux-image-amd64 has no dependency in bookworm");
        string root = Fetcher.Value.FetchPackage(image, "bookworm", null, CancellationToken.None, out _);
        return Directory.GetFiles(Path.Combine(root, "boot"), "vmlinuz-*").Single();
    });

    public static string CacheDirectory => Path.Combine(TestPaths.RepoRoot, "artifacts", "test-cache", "debian");

    /// <summary>OVMF.amdsev.fd from sid's ovmf-amdsev: the kernel-hashes-capable AmdSev build.</summary>
    public static string AmdSevFirmware => AmdSevLazy.Value;

    /// <summary>OVMF_CODE_4M.fd from bookworm's ovmf: an OvmfX64 build with an SEV footer table but no kernel hashes.</summary>
    public static string Bookworm4MCode => Path.Combine(OvmfRoot.Value, "usr/share/OVMF/OVMF_CODE_4M.fd");

    /// <summary>OVMF_VARS_4M.fd from bookworm's ovmf: a variable store, no footer table.</summary>
    public static string Bookworm4MVars => Path.Combine(OvmfRoot.Value, "usr/share/OVMF/OVMF_VARS_4M.fd");

    /// <summary>The vmlinuz of bookworm's current linux-image-amd64.</summary>
    public static string Kernel => KernelLazy.Value;
}
