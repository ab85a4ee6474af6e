// Fixtures the root filesystem tests build for themselves: a small local Debian package made with dpkg-deb --build
// (its control file depends on a package from the mirror, so installing it also resolves a dependency) and a pinned
// extra file.
using System.Globalization;
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Tests.RootFs;

internal static class RootFsFixtures
{
    public const string FixturePackage = "ccimage-fixture";
    public const string FixtureVersion = "1.0-1";
    /// <summary>A small package from the mirror the fixture depends on.</summary>
    public const string FixtureDependency = "tree";
    public const string FixtureFileInPackage = "/usr/share/ccimage-fixture/hello.txt";
    public const string FixtureFileText = "installed from a local .deb\n";

    public static readonly ToolRunner Runner = new(NullLog.Instance) { DefaultTimeout = TimeSpan.FromMinutes(5) };

    /// <summary>Builds the fixture package into <paramref name="folder"/> and returns its path.</summary>
    public static string BuildFixtureDeb(string folder, string architecture = "all")
    {
        string root = Path.Combine(folder, "fixture-deb");
        Directory.CreateDirectory(Path.Combine(root, "DEBIAN"));
        string payload = Path.Combine(root, FixtureFileInPackage.TrimStart('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(payload)!);
        File.WriteAllText(payload, FixtureFileText);
        File.WriteAllText(Path.Combine(root, "DEBIAN", "control"), string.Create(CultureInfo.InvariantCulture, $"""
            Package: {FixturePackage}
            Version: {FixtureVersion}
            Architecture: {architecture}
            Maintainer: CcImage tests <tests@invalid>
            Depends: {FixtureDependency}
            Description: CcImage root filesystem test fixture
             A file installed from a local .deb.

            """));
        string deb = Path.Combine(folder, $"{FixturePackage}_{FixtureVersion}_{architecture}.deb");
        Runner.Run(HostTool.DpkgDeb, ["--root-owner-group", "--build", root, deb]);
        Directory.Delete(root, recursive: true);
        return deb;
    }

    /// <summary>Writes a small executable-looking file for a CcFile and returns its path.</summary>
    public static string WriteFixtureFile(string folder, string name, string text)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
