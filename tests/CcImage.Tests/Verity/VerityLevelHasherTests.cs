// The parallel block-hashing pipeline: digests arrive in block order whatever the workers and chunk sizes, the sink can
// stop it early, and a short file is reported instead of hanging.
using System.Security.Cryptography;
using CcImage.Core.Diagnostics;
using CcImage.Core.Verity;

namespace CcImage.Tests.Verity;

[TestClass]
public sealed class VerityLevelHasherTests
{
    private const int BlockSize = 512;
    private const int Blocks = 1001;

    private static (string Path, byte[] Data) MakeFile(string dir)
    {
        var data = new byte[BlockSize * Blocks];
        new Random(9).NextBytes(data);
        string path = Path.Combine(dir, "blocks");
        File.WriteAllBytes(path, data);
        return (path, data);
    }

    [TestMethod]
    [DataRow(1, 512)]
    [DataRow(2, 1536)]
    [DataRow(3, 512 * 7)]
    [DataRow(5, 1 << 20)]
    public void HashBlocks_AnyWorkersAndChunks_DeliversDigestsInBlockOrder(int workers, int chunkBytes)
    {
        string dir = TestPaths.NewTempDir("verity-hasher");
        try
        {
            var (path, data) = MakeFile(dir);
            byte[] salt = [1, 2, 3];
            var expected = new List<byte>();
            for (int i = 0; i < Blocks; i++)
                expected.AddRange(SHA256.HashData([.. salt, .. data.AsSpan(i * BlockSize, BlockSize)]));

            var got = new List<byte>();
            long next = 0;
            using var hasher = new VerityLevelHasher(VerityHashAlgorithm.Sha256, salt, VerityParameters.HashTypeNormal, workers, chunkBytes);
            using var file = File.OpenHandle(path);
            for (int run = 0; run < 2; run++)
            {
                got.Clear();
                next = 0;
                Assert.IsTrue(hasher.HashBlocks(file, path, 0, BlockSize, Blocks, (digests, first, count) =>
                {
                    Assert.AreEqual(next, first);
                    next += count;
                    got.AddRange(digests.ToArray());
                    return true;
                }, CancellationToken.None));
                CollectionAssert.AreEqual(expected, got, $"run {run}");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void HashBlocks_SinkStops_ReturnsFalse_AndHasherIsReusable()
    {
        string dir = TestPaths.NewTempDir("verity-hasher");
        try
        {
            var (path, _) = MakeFile(dir);
            using var hasher = new VerityLevelHasher(VerityHashAlgorithm.Sha1, [], VerityParameters.HashTypeChromeOs, 3, BlockSize * 4);
            using var file = File.OpenHandle(path);
            long seen = 0;
            Assert.IsFalse(hasher.HashBlocks(file, path, 0, BlockSize, Blocks, (_, first, count) =>
            {
                seen = first + count;
                return first < 500;
            }, CancellationToken.None));
            Assert.IsTrue(seen is > 500 and < Blocks);
            long total = 0;
            Assert.IsTrue(hasher.HashBlocks(file, path, 0, BlockSize, Blocks, (_, _, count) => { total += count; return true; },
                CancellationToken.None));
            Assert.AreEqual(Blocks, total);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void HashBlocks_FileShorterThanBlocks_IsCcimg2212()
    {
        string dir = TestPaths.NewTempDir("verity-hasher");
        try
        {
            var (path, _) = MakeFile(dir);
            using var hasher = new VerityLevelHasher(VerityHashAlgorithm.Sha256, [], VerityParameters.HashTypeNormal, 2, BlockSize * 8);
            using var file = File.OpenHandle(path);
            var e = Assert.ThrowsExactly<CcImageException>(() =>
                hasher.HashBlocks(file, path, 0, BlockSize, Blocks + 100, (_, _, _) => true, CancellationToken.None));
            Assert.AreEqual("CCIMG2212", e.Code);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
