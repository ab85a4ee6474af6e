// MSBuild task ResolveOvmf: the firmware the image boots. A path the user names is used as is; otherwise the file is
// taken from a Debian package (default OVMF.amdsev.fd from ovmf-amdsev in sid) through CcImage.Core's fetcher,
// optionally pinned by SHA-256.
using CcImage.Core.Config;
using CcImage.Core.Hashing;
using CcImage.Core.Diagnostics;
using CcImage.Core.Packages;
using CcImage.Core.Snp;
using CcImage.Core.Tools;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class ResolveOvmf : CcTask
{
    /// <summary>A firmware file given by the user; when set, nothing is downloaded.</summary>
    public string? OvmfPath { get; set; }

    public string Package { get; set; } = "ovmf-amdsev";
    public string Suite { get; set; } = "sid";

    /// <summary>A package version to use instead of the suite's newest.</summary>
    public string? Version { get; set; }

    /// <summary>The firmware's path inside the package.</summary>
    public string PathInPackage { get; set; } = "/usr/share/ovmf/OVMF.amdsev.fd";

    /// <summary>Pinned SHA-256 of the firmware (hex), for a downloaded or a given file; a different file is an error.</summary>
    public string? Sha256 { get; set; }

    /// <summary>Cache folder for the private apt state and extracted packages.</summary>
    [Required]
    public string CacheDirectory { get; set; } = "";

    [Output]
    public string? ResolvedPath { get; private set; }

    protected override void ExecuteCore()
    {
        if (!string.IsNullOrWhiteSpace(OvmfPath))
        {
            ResolvedPath = Path.GetFullPath(InputFile.Require(OvmfPath, "CcOvmf", InputFile.MaxFirmwareBytes));
            if (!string.IsNullOrWhiteSpace(Sha256))
            {
                string actual = FileHash.Sha256Hex(ResolvedPath);
                if (!actual.Equals(Sha256.Trim(), StringComparison.OrdinalIgnoreCase))
                    throw Diag.Error(nameof(Strings.DebianSha256Mismatch), ResolvedPath, "CcOvmf", "given file", actual, Sha256.Trim());
            }
            return;
        }
        var fetcher = new DebianPackageFetcher(new ToolRunner(CoreLog), CoreLog, CacheDirectory);
        ResolvedPath = fetcher.FetchFile(Package, Suite, PathInPackage, string.IsNullOrWhiteSpace(Version) ? null : Version,
            Sha256, CancellationToken);
    }
}
