// FileHash's buffered and mapped SHA-256 against sha256sum, on sizes around its read chunk and the empty file, and
// KernelHashesJob's table against the files hashed one by one, whichever of kernel and initrd is the larger.
using System.Security.Cryptography;
using System.Text;
using CcImage.Core.Diagnostics;
using CcImage.Core.Hashing;
using CcImage.Core.Snp;

namespace CcImage.Tests.Hashing;

[TestClass]
public sealed class FileHashTests
{
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("file-hash");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(0)]
    [DataRow(1)]
    [DataRow(4095)]
    [DataRow(256 * 1024)]
    [DataRow(256 * 1024 + 1)]
    [DataRow(3 * 1024 * 1024 + 17)]
    public void Sha256_AndSha256Mapped_MatchSha256sum(int size)
    {
        string file = WriteRandom("f.bin", size, seed: size);
        string expected = RefTools.Run("sha256sum", file).AssertSuccess("sha256sum").StandardOutput.Split(' ')[0];
        Assert.AreEqual(expected, FileHash.Sha256Hex(file));
        Assert.AreEqual(expected, Convert.ToHexStringLower(FileHash.Sha256Mapped(file)));
    }

    [TestMethod]
    [DataRow(5000, 300_000)] // initrd larger: the initrd is hashed on the job's thread
    [DataRow(300_000, 5000)] // kernel larger
    [DataRow(300_000, -1)]   // no initrd
    public void KernelHashesJob_TableEqualsTheFilesHashedOneByOne(int kernelSize, int initrdSize)
    {
        string kernel = WriteRandom("vmlinuz", kernelSize, seed: 1);
        string? initrd = initrdSize < 0 ? null : WriteRandom("initrd.img", initrdSize, seed: 2);
        const string append = "console=ttyS0 root=/dev/vda1 ro";

        var table = KernelHashesJob.Start(kernel, initrd, append).Result();

        CollectionAssert.AreEqual(SHA256.HashData(File.ReadAllBytes(kernel)), table.KernelHash);
        CollectionAssert.AreEqual(SHA256.HashData(initrd is null ? [] : File.ReadAllBytes(initrd)), table.InitrdHash);
        CollectionAssert.AreEqual(SHA256.HashData(Encoding.UTF8.GetBytes(append + "\0")), table.CmdlineHash);
    }

    [TestMethod]
    public void KernelHashesJob_MissingInitrd_IsCcimg1003BeforeAnythingIsHashed()
    {
        string kernel = WriteRandom("vmlinuz", 100, seed: 1);
        var e = Assert.ThrowsExactly<CcImageException>(() => KernelHashesJob.Start(kernel, Path.Combine(_dir, "missing.img"), null));
        Assert.AreEqual("CCIMG1003", e.Code);
        StringAssert.Contains(e.Message, "initrd");
    }

    private string WriteRandom(string name, int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        string path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }
}
