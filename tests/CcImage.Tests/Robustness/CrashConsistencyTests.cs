// Crash consistency: `ccimage qcow2 convert`, `ccimage qcow2 resize` and an SDK build are killed with SIGKILL at random
// points (random times, and for resize also right after a random number of journaled writes); the next run must
// succeed, remove the debris the killed run left, and produce exactly the bytes of a clean run. After a killed resize,
// even a read-only `qcow2 info` first rolls the image back to its original bytes.
using System.Diagnostics;
using System.Security.Cryptography;
using CcImage.Core.Caching;
using CcImage.Tests.Sdk;

namespace CcImage.Tests.Robustness;

[TestClass]
public class CrashConsistencyTests
{
    private const int Kills = 6;
    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("crash");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private static string Dll => Path.Combine(AppContext.BaseDirectory, "ccimage.dll");

    private static byte[] Sha256(string path) => SHA256.HashData(File.ReadAllBytes(path));

    private static string[] Debris(string dir) =>
        Directory.GetFiles(dir).Where(f => f.Contains(AtomicFile.TempMarker, StringComparison.Ordinal)
            || f.Contains(UndoJournal.Marker, StringComparison.Ordinal)).ToArray();

    /// <summary>Starts a process, SIGKILLs it (and its children) after <paramref name="delay"/> unless it ended; returns whether it was killed.</summary>
    private static bool RunAndKill(string fileName, IEnumerable<string> args, TimeSpan delay, string workingDirectory,
        IDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        if (environment != null)
            foreach (var (k, v) in environment)
                psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (p.WaitForExit(delay))
            return false;
        p.Kill(entireProcessTree: true); // SIGKILL on Unix
        p.WaitForExit();
        return true;
    }

    private static TimeSpan Timed(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed;
    }

    [TestMethod]
    public void Convert_KilledAtRandomPoints_NextRunCleansUpAndWritesTheSameBytes()
    {
        string raw = Path.Combine(_dir, "in.raw");
        using (var f = new FileStream(raw, FileMode.Create))
        {
            var chunk = new byte[1 << 20];
            for (int i = 0; i < 96; i++)
            {
                if (i % 5 == 3)
                    continue; // holes too
                chunk.AsSpan().Fill((byte)(i + 1));
                f.Position = (long)i << 20;
                f.Write(chunk);
            }
        }
        string output = Path.Combine(_dir, "out.qcow2");
        var clean = Timed(() => CcImageCli.Run("qcow2", "convert", raw, output, "--cluster-size", "4096").AssertSuccess("clean convert"));
        byte[] expected = Sha256(output);
        File.Delete(output);

        var random = new Random(12);
        int killed = 0;
        for (int i = 0; i < Kills; i++)
        {
            var delay = TimeSpan.FromMilliseconds(random.Next(30, (int)clean.TotalMilliseconds + 50));
            killed += RunAndKill("dotnet", [Dll, "qcow2", "convert", raw, output, "--cluster-size", "4096"], delay, _dir) ? 1 : 0;
            CcImageCli.Run("qcow2", "convert", raw, output, "--cluster-size", "4096").AssertSuccess("convert after a kill");
            Assert.IsEmpty(Debris(_dir), "the rerun left debris: " + string.Join(", ", Debris(_dir)));
            CollectionAssert.AreEqual(expected, Sha256(output));
        }
        Assert.IsGreaterThan(0, killed, "no run was killed while converting");
    }

    [TestMethod]
    public void Resize_KilledAfterAnyWriteOrAtRandomTimes_IsRolledBackAndRerunGivesTheSameBytes()
    {
        string raw = RecipeDisks.SgdiskDisk(_dir);
        string original = RecipeDisks.ToQcow2(raw, Path.Combine(_dir, "original.qcow2"), "-c", "-o", "cluster_size=512");
        byte[] originalHash = Sha256(original);
        string reference = Path.Combine(_dir, "reference.qcow2");
        File.Copy(original, reference);
        var clean = Timed(() => CcImageCli.Run("qcow2", "resize", reference, "20G", "--grow-gpt").AssertSuccess("clean resize"));
        byte[] expected = Sha256(reference);
        QemuImg.AssertCheckClean(reference);

        string image = Path.Combine(_dir, "image.qcow2");
        var random = new Random(7);
        int killed = 0;
        for (int i = 0; i < 2 * Kills; i++)
        {
            File.Copy(original, image, overwrite: true);
            bool byWrites = i % 2 == 0;
            var environment = byWrites
                ? new Dictionary<string, string> { [UndoJournal.KillAfterWritesVariable] = (1 + random.Next(40)).ToString(System.Globalization.CultureInfo.InvariantCulture) }
                : null;
            var delay = byWrites ? TimeSpan.FromMinutes(2) : TimeSpan.FromMilliseconds(random.Next(50, (int)clean.TotalMilliseconds + 50));
            bool wasKilled = RunAndKill("dotnet", [Dll, "qcow2", "resize", image, "20G", "--grow-gpt"], delay, _dir, environment);
            bool finished = !wasKilled && !File.Exists(UndoJournal.PathFor(image, 0)) && Debris(_dir).Length == 0;
            if (wasKilled || !finished)
            {
                killed++;
                // A read-only command first: it rolls the half-done change back, so the image is the original again.
                CcImageCli.Run("qcow2", "info", image).AssertSuccess("info after a killed resize");
                Assert.IsEmpty(Debris(_dir), "info left the journal: " + string.Join(", ", Debris(_dir)));
                var now = Sha256(image);
                Assert.IsTrue(now.SequenceEqual(originalHash) || now.SequenceEqual(expected), "a killed resize left neither the original nor the result");
            }
            CcImageCli.Run("qcow2", "resize", image, "20G", "--grow-gpt").AssertSuccess("resize after a kill");
            CollectionAssert.AreEqual(expected, Sha256(image), $"run {i}: the rerun did not give the clean run's bytes");
            Assert.IsEmpty(Debris(_dir));
        }
        Assert.IsGreaterThan(0, killed, "no resize was killed midway");
        QemuImg.AssertCheckClean(image);
    }

    [TestMethod]
    public void SdkBuild_KilledAtRandomPoints_NextBuildCleansUpAndWritesTheSameBytes()
    {
        const string xml = """
            <Project Sdk="CcImage.Sdk">
              <ItemGroup>
                <CcPartition Include="data" Image="data.raw" />
                <CcPartition Include="spare" Size="16M" />
              </ItemGroup>
            </Project>
            """;
        string Make()
        {
            string project = SdkFixture.CreateProject("crashsite", xml);
            using var f = new FileStream(Path.Combine(Path.GetDirectoryName(project)!, "data.raw"), FileMode.Create);
            var chunk = new byte[1 << 20];
            for (int i = 0; i < 64; i++)
            {
                chunk.AsSpan().Fill((byte)(i * 3 + 1));
                f.Write(chunk);
            }
            return project;
        }
        static string Image(string project) => Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug", "nvcc_image.qcow2");

        string reference = Make();
        var clean = Timed(() => SdkFixture.Dotnet("build", reference).AssertSuccess("clean build"));
        byte[] expected = Sha256(Image(reference));

        string project = Make();
        string bin = Path.Combine(Path.GetDirectoryName(project)!, "bin", "Debug");
        var random = new Random(3);
        for (int i = 0; i < 3; i++)
        {
            if (File.Exists(Image(project)))
                File.Delete(Image(project)); // so the build writes the image again
            var delay = TimeSpan.FromMilliseconds(random.Next(500, (int)clean.TotalMilliseconds));
            SdkKill(project, delay);
            if (i == 2)
            {
                SdkFixture.Dotnet("clean", project).AssertSuccess("dotnet clean after a kill");
                Assert.IsFalse(Directory.Exists(bin) && Debris(bin).Length > 0, "dotnet clean left debris");
            }
            SdkFixture.Dotnet("build", project).AssertSuccess("build after a kill");
            Assert.IsEmpty(Debris(bin), "the build left debris: " + string.Join(", ", Debris(bin)));
            CollectionAssert.AreEqual(expected, Sha256(Image(project)));
        }
    }

    /// <summary>`dotnet build` as SdkFixture runs it, SIGKILLed with its node processes after <paramref name="delay"/>.</summary>
    private static void SdkKill(string project, TimeSpan delay)
    {
        // The same command line and environment as SdkFixture.Dotnet, started by hand so it can be killed.
        string packages = SdkFixture.PackagesFolder;
        RunAndKill("dotnet", ["build", project, "-nodeReuse:false", "-v:n"], delay, Path.GetDirectoryName(project)!,
            new Dictionary<string, string>
            {
                ["NUGET_PACKAGES"] = packages,
                ["MSBUILDDISABLENODEREUSE"] = "1",
                ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            });
    }
}
