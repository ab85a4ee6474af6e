// Reading the machine's Debian sources (deb822 and one-line forms) to find the mirror and keyring the fetcher reuses.
using CcImage.Core.Packages;

namespace CcImage.Tests.Snp;

[TestClass]
public sealed class AptSourceTests
{
    [TestMethod]
    public void ParseDeb822_TakesDebParagraphs_SkipsDisabledAndSource()
    {
        const string text = """
            Types: deb
            URIs: http://mirror.invalid/debian
            Suites: bookworm bookworm-updates
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb-src
            URIs: http://src.invalid/debian
            Suites: bookworm

            Types: deb
            Enabled: no
            URIs: http://off.invalid/debian
            Suites: bookworm

            Types: deb
            URIs: http://mirror.invalid/debian-security
            Suites: bookworm-security
            """;
        var sources = AptSource.ParseDeb822(text).ToList();
        Assert.HasCount(2, sources);
        Assert.AreEqual("http://mirror.invalid/debian", sources[0].Uri);
        Assert.AreEqual("/usr/share/keyrings/debian-archive-keyring.gpg", sources[0].SignedBy);
        Assert.IsTrue(sources[0].IsMainArchive);
        Assert.IsFalse(sources[1].IsMainArchive);
    }

    [TestMethod]
    public void ParseOneLine_ReadsOptionsUriAndSuite()
    {
        var sources = AptSource.ParseOneLine([
            "# comment",
            "deb-src http://src.invalid/debian bookworm main",
            "deb [arch=amd64 signed-by=/etc/apt/keyrings/k.gpg] http://mirror.invalid/debian bookworm main # trailing",
            "deb http://mirror.invalid/debian-security bookworm-security main",
        ]).ToList();
        Assert.HasCount(2, sources);
        Assert.AreEqual("http://mirror.invalid/debian", sources[0].Uri);
        Assert.AreEqual("/etc/apt/keyrings/k.gpg", sources[0].SignedBy);
        Assert.AreEqual("bookworm", sources[0].Suites[0]);
        Assert.IsFalse(sources[1].IsMainArchive);
    }

    [TestMethod]
    public void ReadConfigured_FolderWithoutSources_IsEmpty()
    {
        string dir = TestPaths.NewTempDir("apt-etc");
        try
        {
            Assert.IsEmpty(AptSource.ReadConfigured(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
