// Cross-checks the dm-verity formatter and verifier against veritysetup (cryptsetup-bin): byte-identical hash devices,
// the same root hash, veritysetup accepting our output, and our verifier naming a flipped block.
using System.Globalization;
using CcImage.Core.Verity;

namespace CcImage.Tests.Verity;

[TestClass]
public sealed class VeritysetupCrossCheckTests
{
    private const string Veritysetup = "veritysetup";
    private const int MaxDataBytes = 3 << 20;

    public enum Placement { Separate, SeparateAtOffset, AppendedToData }

    public sealed record VerityCase(string Hash, int DataBlockSize, int HashBlockSize, int Format, string Salt, bool Superblock,
        Placement Placement, bool ExplicitDataBlocks, long Blocks)
    {
        public override string ToString() =>
            $"{Hash} d{DataBlockSize} h{HashBlockSize} f{Format} salt={(Salt.Length > 10 ? Salt[..10] + "…" : Salt)} " +
            $"{(Superblock ? "sb" : "nosb")} {Placement} {(ExplicitDataBlocks ? "explicit" : "whole")} n={Blocks}";
    }

    private static readonly string[] Hashes = ["sha256", "sha1", "sha512"];
    private static readonly (int Data, int Hash)[] BlockSizes =
        [(4096, 4096), (512, 512), (1024, 1024), (65536, 65536), (512, 4096), (4096, 512), (1024, 65536), (65536, 1024), (2048, 8192)];
    private static readonly string[] Salts = ["-", "00", "5ab0c0ffee", new string('a', 64), string.Concat(Enumerable.Repeat("0f", 256))];

    /// <summary>
    /// Combinations covering every value of every dimension (a stride walk through the product, not all of it), plus
    /// edge cases: one data block (no tree levels), exactly one full hash block, one more than that, three levels.
    /// </summary>
    public static IEnumerable<object[]> Cases()
    {
        var cases = new List<VerityCase>();
        var placements = Enum.GetValues<Placement>();
        for (int i = 0; i < 54; i++)
        {
            string hash = Hashes[i % Hashes.Length];
            var (d, h) = BlockSizes[(i * 5) % BlockSizes.Length];
            int format = (i / 3) % 2;
            string salt = Salts[(i * 3) % Salts.Length];
            bool superblock = (i * 7 % 4) != 0;
            var placement = placements[(i * 11 / 2) % placements.Length];
            bool explicitBlocks = i % 5 == 1;
            cases.Add(new VerityCase(hash, d, h, format, salt, superblock, placement, explicitBlocks, TreeShapedCount(hash, d, h, i)));
        }
        int perBlock256 = 4096 / 32;
        cases.Add(new VerityCase("sha256", 4096, 4096, 1, "00", true, Placement.Separate, false, 1));
        cases.Add(new VerityCase("sha256", 4096, 4096, 0, "-", false, Placement.Separate, false, 1));
        cases.Add(new VerityCase("sha256", 512, 4096, 1, "abcd", true, Placement.Separate, false, perBlock256));
        cases.Add(new VerityCase("sha256", 512, 4096, 1, "abcd", true, Placement.AppendedToData, false, perBlock256 + 1));
        cases.Add(new VerityCase("sha1", 512, 512, 0, "abcd", true, Placement.SeparateAtOffset, true, 16 * 16 * 16 + 7));
        cases.Add(new VerityCase("sha512", 512, 512, 1, "-", false, Placement.AppendedToData, true, 8 * 8 * 8 * 8 + 3));
        return cases.Select(c => new object[] { c });
    }

    public static string CaseName(System.Reflection.MethodInfo _, object[] data) => data[0].ToString()!;

    /// <summary>A block count that gives a tree of two or three levels with odd-sized levels, within the size budget.</summary>
    private static long TreeShapedCount(string hash, int dataBlockSize, int hashBlockSize, int i)
    {
        int digest = VerityHashAlgorithm.Parse(hash).DigestSize;
        long perBlock = 1L << System.Numerics.BitOperations.Log2((uint)(hashBlockSize / digest));
        long maxBlocks = MaxDataBytes / dataBlockSize;
        foreach (long candidate in new[] { perBlock * perBlock + 2 * (i % 7) + 3, perBlock * 3 + 2 * (i % 5) + 1, perBlock + 1 })
            if (candidate <= maxBlocks)
                return candidate;
        return Math.Max(1, maxBlocks - 1 + maxBlocks % 2);
    }

    [TestMethod]
    [DynamicData(nameof(Cases), DynamicDataDisplayName = nameof(CaseName))]
    public void Format_MatchesVeritysetup_ByteForByte_AndVerifies(VerityCase c)
    {
        string dir = TestPaths.NewTempDir("verity-x");
        try
        {
            var random = new Random(c.GetHashCode() & 0x7fffffff);
            // The data device: the blocks hashed, plus (for explicit --data-blocks) blocks that are not, plus a ragged tail.
            long deviceBlocks = c.ExplicitDataBlocks ? c.Blocks + 3 : c.Blocks;
            byte[] data = new byte[deviceBlocks * c.DataBlockSize + (c.Placement == Placement.AppendedToData ? 0 : 100)];
            random.NextBytes(data);
            long hashOffset = c.Placement switch
            {
                Placement.Separate => 0,
                Placement.SeparateAtOffset => 512 * 3,
                _ => (data.Length + 4095) / 4096 * 4096 + 1024,
            };
            string uuid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";

            string ourData = Path.Combine(dir, "ours.data"), refData = Path.Combine(dir, "ref.data");
            File.WriteAllBytes(ourData, data);
            File.WriteAllBytes(refData, data);
            bool appended = c.Placement == Placement.AppendedToData;
            string ourHash = appended ? ourData : Path.Combine(dir, "ours.hash");
            string refHash = appended ? refData : Path.Combine(dir, "ref.hash");
            if (appended)
            {
                // Truncate both data files to the hash offset, as an image that will carry its hash area.
                using (var f = File.OpenWrite(ourData)) f.SetLength(hashOffset);
                using (var f = File.OpenWrite(refData)) f.SetLength(hashOffset);
            }

            var options = new List<string>
            {
                "--hash", c.Hash, "--data-block-size", Num(c.DataBlockSize), "--hash-block-size", Num(c.HashBlockSize),
                "--format", Num(c.Format), "--salt", c.Salt, "--uuid", uuid,
            };
            if (hashOffset != 0) options.AddRange(["--hash-offset", Num(hashOffset)]);
            if (!c.Superblock) options.Add("--no-superblock");
            if (c.ExplicitDataBlocks || appended) options.AddRange(["--data-blocks", Num(c.Blocks)]);

            var reference = ReferenceTool.Run(Veritysetup, new[] { "format", refData, refHash }.Concat(options));
            Assert.AreEqual(0, reference.ExitCode, reference.StandardError);
            string referenceRoot = ReferenceTool.RootHashLine(reference.StandardOutput);

            var parameters = new VerityParameters
            {
                HashName = c.Hash, DataBlockSize = c.DataBlockSize, HashBlockSize = c.HashBlockSize, HashType = c.Format,
                Salt = VeritySalt.Parse(c.Salt), Uuid = uuid, HashOffset = hashOffset, NoSuperblock = !c.Superblock,
                DataBlocks = c.ExplicitDataBlocks || appended ? c.Blocks : 0,
            };
            var result = VerityFormatter.Format(ourData, ourHash, parameters);

            Assert.AreEqual(referenceRoot, result.RootHashHex, "root hash");
            Assert.AreEqual(c.Blocks, result.DataBlocks);
            CollectionAssert.AreEqual(File.ReadAllBytes(refHash), File.ReadAllBytes(ourHash), "hash device bytes");

            // veritysetup accepts our hash device.
            var verifyOptions = new List<string>();
            if (hashOffset != 0) verifyOptions.AddRange(["--hash-offset", Num(hashOffset)]);
            if (!c.Superblock)
            {
                verifyOptions.AddRange(["--no-superblock", "--hash", c.Hash, "--data-block-size", Num(c.DataBlockSize),
                    "--hash-block-size", Num(c.HashBlockSize), "--format", Num(c.Format), "--salt", c.Salt]);
                if (c.ExplicitDataBlocks || appended) verifyOptions.AddRange(["--data-blocks", Num(c.Blocks)]);
            }
            var check = ReferenceTool.Run(Veritysetup, new[] { "verify", ourData, ourHash, referenceRoot }.Concat(verifyOptions));
            Assert.AreEqual(0, check.ExitCode, "veritysetup verify: " + check.StandardError);

            // Our verifier accepts it, then names a flipped data block and a flipped hash block.
            var read = c.Superblock ? VerityVerifier.ReadSuperblock(ourHash, hashOffset) : parameters;
            byte[] root = Convert.FromHexString(referenceRoot);
            Assert.IsTrue(VerityVerifier.Verify(ourData, ourHash, read, root).IsValid);

            long badBlock = random.NextInt64(c.Blocks);
            long badOffset = badBlock * c.DataBlockSize + random.Next(c.DataBlockSize);
            byte mask = FlipBit(ourData, badOffset, random);
            var corrupt = VerityVerifier.Verify(ourData, ourHash, read, root);
            Assert.AreEqual(new VerityCorruption(true, badBlock, -1, badBlock * c.DataBlockSize), corrupt.Corruption);
            Assert.AreNotEqual(0, ReferenceTool.Run(Veritysetup, new[] { "verify", ourData, ourHash, referenceRoot }.Concat(verifyOptions)).ExitCode);
            Flip(ourData, badOffset, mask);

            var layout = result.Layout;
            if (layout.Levels > 0)
            {
                int level = random.Next(layout.Levels);
                long hashBlock = layout.LevelStartBlock[level] + random.NextInt64(layout.LevelBlockCount[level]);
                FlipBit(ourHash, hashBlock * c.HashBlockSize + random.Next(c.HashBlockSize), random);
                var badHash = VerityVerifier.Verify(ourData, ourHash, read, root).Corruption;
                Assert.IsNotNull(badHash);
                Assert.IsFalse(badHash.InData);
                Assert.AreEqual(hashBlock, badHash.Block);
                Assert.AreEqual(level, badHash.Level);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>
    /// Without a superblock the tree starts at the hash offset rounded down to a hash block, which can be inside the data
    /// area of the same file; veritysetup then hashes data its buffered writes already replaced. Same bytes, same root,
    /// and both verifiers reach the same verdict.
    /// </summary>
    [TestMethod]
    [DataRow("sha1", 512, 65536, 1, 730894, 731648)]
    [DataRow("sha256", 4096, 65536, 1, 200000, 200704)]
    [DataRow("sha512", 512, 8192, 0, 50000, 50176)]
    [DataRow("sha256", 1024, 131072, 0, 146743, 146944)]
    [DataRow("sha256", 131072, 4096, 1, 300000, 300032)]
    public void Format_NoSuperblockTreeOverlappingData_MatchesVeritysetup(string hash, int dataBlockSize, int hashBlockSize,
        int format, int size, long hashOffset)
    {
        string dir = TestPaths.NewTempDir("verity-overlap");
        try
        {
            byte[] data = new byte[size];
            new Random(size).NextBytes(data);
            string ours = Path.Combine(dir, "ours"), theirs = Path.Combine(dir, "theirs");
            File.WriteAllBytes(ours, data);
            File.WriteAllBytes(theirs, data);
            string[] options = ["--hash", hash, "--data-block-size", Num(dataBlockSize), "--hash-block-size", Num(hashBlockSize),
                "--format", Num(format), "--salt", "abcdef", "--no-superblock", "--hash-offset", Num(hashOffset),
                "--data-blocks", Num(size / dataBlockSize)];
            var reference = ReferenceTool.Run(Veritysetup, ["format", theirs, theirs, .. options]);
            Assert.AreEqual(0, reference.ExitCode, reference.StandardError);
            var parameters = new VerityParameters
            {
                HashName = hash, DataBlockSize = dataBlockSize, HashBlockSize = hashBlockSize, HashType = format,
                Salt = VeritySalt.Parse("abcdef"), NoSuperblock = true, HashOffset = hashOffset, DataBlocks = size / dataBlockSize,
            };
            Assert.IsTrue(parameters.HashOffset % hashBlockSize != 0 && hashOffset / hashBlockSize * hashBlockSize < size,
                "the tree overlaps the data");
            var result = VerityFormatter.Format(ours, ours, parameters);
            string root = ReferenceTool.RootHashLine(reference.StandardOutput);
            Assert.AreEqual(root, result.RootHashHex);
            CollectionAssert.AreEqual(File.ReadAllBytes(theirs), File.ReadAllBytes(ours));
            bool theirVerdict = ReferenceTool.Run(Veritysetup, ["verify", ours, ours, root, .. options]).ExitCode == 0;
            Assert.AreEqual(theirVerdict, VerityVerifier.Verify(ours, ours, parameters, Convert.FromHexString(root)).IsValid);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Format_OneBlockNoTree_UnalignedOffsetPastEnd_FailsLikeVeritysetup()
    {
        string dir = TestPaths.NewTempDir("verity-sbfail");
        try
        {
            string ours = Path.Combine(dir, "ours"), theirs = Path.Combine(dir, "theirs");
            var data = new byte[5000];
            new Random(1).NextBytes(data);
            File.WriteAllBytes(ours, data);
            File.WriteAllBytes(theirs, data);
            string[] options = ["--salt", "ab", "--uuid", "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0", "--hash-offset", "9728", "--data-blocks", "1"];
            Assert.AreNotEqual(0, ReferenceTool.Run(Veritysetup, ["format", theirs, theirs, .. options]).ExitCode);
            var ccimage = ReferenceTool.Ccimage(["verity", "format", ours, ours, .. options]);
            Assert.AreEqual(1, ccimage.ExitCode);
            StringAssert.Contains(ccimage.StandardError, "CCIMG2223");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Format_OverExistingLargerHashFile_KeepsItsOtherBytes_LikeVeritysetup()
    {
        string dir = TestPaths.NewTempDir("verity-existing");
        try
        {
            var random = new Random(11);
            byte[] data = new byte[4096 * 200];
            byte[] oldHash = new byte[3 << 20];
            random.NextBytes(data);
            random.NextBytes(oldHash);
            string dataPath = Path.Combine(dir, "data"), ours = Path.Combine(dir, "ours"), theirs = Path.Combine(dir, "theirs");
            File.WriteAllBytes(dataPath, data);
            File.WriteAllBytes(ours, oldHash);
            File.WriteAllBytes(theirs, oldHash);
            const string salt = "00ff", uuid = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
            var reference = ReferenceTool.Run(Veritysetup, ["format", dataPath, theirs, "--salt", salt, "--uuid", uuid,
                "--hash-offset", "65536", "--hash-block-size", "1024"]);
            Assert.AreEqual(0, reference.ExitCode, reference.StandardError);
            var result = VerityFormatter.Format(dataPath, ours, new VerityParameters
            {
                Salt = VeritySalt.Parse(salt), Uuid = uuid, HashOffset = 65536, HashBlockSize = 1024,
            });
            Assert.AreEqual(ReferenceTool.RootHashLine(reference.StandardOutput), result.RootHashHex);
            CollectionAssert.AreEqual(File.ReadAllBytes(theirs), File.ReadAllBytes(ours));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static string Num(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Flips one random bit of the byte at <paramref name="offset"/>; returns the mask to flip it back.</summary>
    private static byte FlipBit(string path, long offset, Random random) => Flip(path, offset, (byte)(1 << random.Next(8)));

    private static byte Flip(string path, long offset, byte mask)
    {
        using var f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        f.Position = offset;
        int b = f.ReadByte();
        f.Position = offset;
        f.WriteByte((byte)(b ^ mask));
        return mask;
    }
}
