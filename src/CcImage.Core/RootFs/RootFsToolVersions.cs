// The versions of the host packages whose behaviour is part of a root filesystem tarball's bytes: mmdebstrap (hooks,
// cleanup, tar options), apt (dependency resolution), dpkg (unpacking the essential set) and tar (the archive format).
// Read from dpkg's database, so they name the exact Debian package versions.
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.RootFs;

public sealed record RootFsToolVersions(string Mmdebstrap, string Apt, string Dpkg, string Tar)
{
    private static readonly string[] Packages = ["mmdebstrap", "apt", "dpkg", "tar"];

    /// <summary>Queries the installed versions; CCIMG3001 when mmdebstrap is missing, CCIMG3101 when a version cannot be read.</summary>
    public static RootFsToolVersions Query(ToolRunner runner, CancellationToken cancellationToken = default)
    {
        ToolRunner.Locate(HostTool.Mmdebstrap);
        var result = runner.Run(HostTool.DpkgQuery, ["-W", "-f", "${Package}\t${Version}\t${db:Status-Abbrev}\n", .. Packages],
            allowFailure: true, cancellationToken: cancellationToken);
        var versions = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split('\t');
            if (parts.Length == 3 && parts[2].StartsWith("ii", StringComparison.Ordinal) && parts[1].Length > 0)
                versions[parts[0]] = parts[1];
        }
        string Version(string package) => versions.TryGetValue(package, out string? v) ? v
            : throw Diag.Error(nameof(Strings.HostToolVersionUnknown), package);
        return new RootFsToolVersions(Version("mmdebstrap"), Version("apt"), Version("dpkg"), Version("tar"));
    }
}
