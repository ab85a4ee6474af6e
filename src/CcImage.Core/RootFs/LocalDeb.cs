// A local .deb file (a CcDeb item) as the builder needs it: its path, SHA-256 and the package name, version and
// architecture from its control file (read with dpkg-deb --field; deb(5), deb-control(5)).
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;
using CcImage.Core.Tools;

namespace CcImage.Core.RootFs;

public sealed record LocalDeb(string Path, string Sha256, LockedPackage Package)
{
    /// <summary>Reads <paramref name="path"/>; CCIMG4108 when it is missing, CCIMG4109 when it is not a package.</summary>
    public static LocalDeb Read(ToolRunner runner, string path, CancellationToken cancellationToken)
    {
        string full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full))
            throw Diag.Error(nameof(Strings.RootFsDebMissing), path);
        var result = runner.Run(HostTool.DpkgDeb, ["--field", full, "Package", "Version", "Architecture"], allowFailure: true,
            cancellationToken: cancellationToken);
        var fields = DpkgStatus.Paragraphs(result.StandardOutput).FirstOrDefault() ?? [];
        if (result.ExitCode != 0 || !fields.TryGetValue("Package", out string? name) || !fields.TryGetValue("Version", out string? version)
            || !fields.TryGetValue("Architecture", out string? architecture))
            throw Diag.Error(nameof(Strings.RootFsDebInvalid), path, LastLine(result.StandardError) ?? "no Package, Version and Architecture fields");
        if (!RootFsNames.IsPackageName(name) || !RootFsNames.IsVersion(version) || !RootFsNames.IsArchitecture(architecture))
            throw Diag.Error(nameof(Strings.RootFsDebInvalid), path, $"'{name}' '{version}' '{architecture}' is not a valid package name, version and architecture");
        return new LocalDeb(full, FileHash.Sha256Hex(full), new LockedPackage(name, version, architecture));
    }

    private static string? LastLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}
