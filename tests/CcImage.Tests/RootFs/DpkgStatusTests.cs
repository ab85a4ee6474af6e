// DpkgStatus: installed packages from a dpkg status file (deb822 paragraphs), ignoring removed ones and continuation lines.
using CcImage.Core.RootFs;

namespace CcImage.Tests.RootFs;

[TestClass]
public class DpkgStatusTests
{
    private const string Status = """
        Package: libc6
        Status: install ok installed
        Priority: optional
        Architecture: amd64
        Version: 2.36-9+deb12u14
        Description: GNU C Library: Shared libraries
         Contains the standard libraries.
         Version: not-a-field

        Package: adduser
        Status: install ok installed
        Architecture: all
        Version: 3.134

        Package: removed-one
        Status: deinstall ok config-files
        Architecture: amd64
        Version: 1.0

        """;

    [TestMethod]
    public void InstalledPackages_SkipsRemovedAndSorts()
    {
        var packages = DpkgStatus.InstalledPackages(Status);
        CollectionAssert.AreEqual(new[]
        {
            new LockedPackage("adduser", "3.134", "all"),
            new LockedPackage("libc6", "2.36-9+deb12u14", "amd64"),
        }, packages);
    }
}
