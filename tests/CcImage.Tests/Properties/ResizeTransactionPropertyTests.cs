// Property-based test (CsCheck) of the transactional rule for in-place resizes: over qcow2 images of several shapes made
// by qemu-img (GPT inside), mutated in their metadata by the fuzzing engine or left intact, and random sizes with or
// without --grow-gpt: a resize that fails leaves the file byte-identical with nothing beside it; one that succeeds on
// an image qemu-img calls clean leaves it clean.
using System.Security.Cryptography;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Fuzz;
using CcImage.Fuzz.Targets;
using CcImage.Tests.Robustness;
using CsCheck;

namespace CcImage.Tests.Properties;

[TestClass]
public class ResizeTransactionPropertyTests
{
    private static string _dir = "";
    private static readonly List<byte[]> Shapes = [];
    private static readonly string[] Sizes = ["+1M", "+64M", "+5G", "100M", "1T", "+0", "63M", "+511", "+1", "8P"];

    [ClassInitialize]
    public static void MakeShapes(TestContext context)
    {
        _dir = TestPaths.NewTempDir("resize-property");
        string raw = RecipeDisks.SgdiskDisk(_dir, bytes: 24L << 20);
        string[][] options =
        [
            ["-o", "cluster_size=512"], ["-c", "-o", "cluster_size=4096"], ["-o", "cluster_size=4096,compat=0.10"],
            ["-o", "cluster_size=16384,lazy_refcounts=on"], ["-c", "-o", "cluster_size=65536"],
        ];
        foreach (var o in options)
            Shapes.Add(File.ReadAllBytes(RecipeDisks.ToQcow2(raw, Path.Combine(_dir, "shape.qcow2"), o)));
    }

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void Resize_AnyImageAndSize_FailsUnchangedOrSucceedsQemuClean()
    {
        int n = 0;
        Gen.Select(Gen.Int[0, Shapes.Count - 1], Gen.Int, Gen.Int[0, 3], Gen.OneOf(Sizes), Gen.Bool).Sample((shape, seed, mutate, size, growGpt) =>
        {
            byte[] input = Shapes[shape];
            if (mutate > 0) // one in four intact
            {
                var focus = new Qcow2HeaderTarget().Focus(input).Concat(new Qcow2TablesTarget().Focus(input))
                    .Concat(new Qcow2RefcountTarget().Focus(input)).ToList();
                input = new MutationEngine(seed).Mutate(input, focus, []);
            }
            string dir = Path.Combine(_dir, "case" + n++);
            Directory.CreateDirectory(dir);
            string image = Path.Combine(dir, "image.qcow2");
            File.WriteAllBytes(image, input);
            bool cleanBefore = QemuImg.Run("check", image).ExitCode == 0;
            try
            {
                ImageResizer.GrowQcow2(image, size, growGpt, NullLog.Instance);
            }
            catch (CcImageException)
            {
                bool unchanged = SHA256.HashData(File.ReadAllBytes(image)).AsSpan().SequenceEqual(SHA256.HashData(input));
                bool nothingBeside = Directory.GetFiles(dir).Length == 1;
                Directory.Delete(dir, recursive: true);
                return unchanged && nothingBeside;
            }
            bool clean = !cleanBefore || QemuImg.Run("check", image).ExitCode == 0;
            Directory.Delete(dir, recursive: true);
            return clean && Directory.Exists(_dir);
        }, iter: 150, threads: 1);
    }
}
