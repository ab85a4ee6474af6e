// Layer hashes on bad input: a non-tar, an empty file, a truncated tar and a corrupt gzip each give a CCIMG error.
using CcImage.Core.Aci;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Aci;

[TestClass]
public sealed class LayerRootHashTests
{
    private static CcImageException HashOf(byte[] bytes)
    {
        string dir = TestPaths.NewTempDir("layerhash-bad");
        try
        {
            string path = Path.Combine(dir, "layer.tar");
            File.WriteAllBytes(path, bytes);
            return Assert.ThrowsExactly<CcImageException>(() => LayerRootHash.ComputeFile(path));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static byte[] FixtureBytes(int seed)
    {
        string dir = TestPaths.NewTempDir("layerhash-fixture");
        try
        {
            string path = Path.Combine(dir, "layer.tar");
            LayerFixture.Write(path, seed);
            return File.ReadAllBytes(path);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [TestMethod]
    public void ComputeFile_NotATar_FailsWithNotTar()
    {
        Assert.AreEqual("CCIMG6501", HashOf(System.Text.Encoding.ASCII.GetBytes(new string('#', 2000))).Code);
    }

    [TestMethod]
    public void ComputeFile_EmptyFile_FailsWithNotTar()
    {
        Assert.AreEqual("CCIMG6501", HashOf([]).Code);
    }

    [TestMethod]
    public void ComputeFile_TruncatedInsideData_FailsWithTruncated()
    {
        byte[] tar = FixtureBytes(5);
        Assert.AreEqual("CCIMG6502", HashOf(tar[..(tar.Length / 2 + 7)]).Code);
    }

    [TestMethod]
    public void ComputeFile_EndMarkerCutOff_FailsWithTruncated()
    {
        byte[] tar = FixtureBytes(5);
        Assert.AreEqual("CCIMG6502", HashOf(tar[..(tar.Length - 1024)]).Code);
    }

    [TestMethod]
    public void ComputeFile_CorruptGzip_FailsWithNotTar()
    {
        Assert.AreEqual("CCIMG6501", HashOf([0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]).Code);
    }
}
