// Makes the fuzzing seed corpus with the reference tools (qemu-img, sgdisk, veritysetup) and our test fixtures, writes it
// to artifacts/fuzz/corpus/<target>/ for eng/fuzz.sh, and runs every seed through its target: each must be accepted
// (a seed that a target rejects would start the fuzzer from a dead end) and none may crash. Nothing binary is committed.
using System.Security.Cryptography;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;
using CcImage.Core.Tools;
using CcImage.Fuzz;
using CcImage.Fuzz.Targets;
using CcImage.Tests.Gpt;
using CcImage.Tests.Snp;

namespace CcImage.Tests.Fuzz;

[TestClass]
public class FuzzSeedCorpusTests
{
    private static readonly HostTool Veritysetup = new("veritysetup", "cryptsetup-bin");

    private string _dir = "";

    [TestInitialize]
    public void Setup() => _dir = TestPaths.NewTempDir("fuzz-seeds");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    public static string CorpusRoot => Path.Combine(TestPaths.RepoRoot, "artifacts", "fuzz", "corpus");

    [TestMethod]
    public void Seeds_EveryTarget_WrittenAndAcceptedByItsTarget()
    {
        var seeds = new Dictionary<string, List<byte[]>>
        {
            ["qcow2-header"] = Qcow2Seeds(),
            ["gpt-header"] = GptSeeds(),
            ["verity-superblock"] = VeritySeeds(),
            ["ovmf-footer"] = [SnpTestImages.AmdSevLike(), SnpTestImages.OddOrder(), SnpTestImages.NoKernelHashes()],
            ["cpio"] = CpioSeeds(),
        };
        seeds["qcow2-tables"] = seeds["qcow2-refcounts"] = seeds["qcow2-header"];
        seeds["gpt-entries"] = seeds["mbr"] = seeds["gpt-header"];
        seeds["sev-metadata"] = seeds["ovmf-footer"];

        foreach (var target in FuzzTargets.All)
        {
            Assert.IsTrue(seeds.TryGetValue(target.Name, out var list), $"no seeds for {target.Name}");
            string dir = Path.Combine(CorpusRoot, target.Name);
            if (Directory.Exists(dir))
                Directory.Delete(dir, recursive: true);
            Directory.CreateDirectory(dir);
            string scratch = Path.Combine(_dir, "scratch-" + target.Name);
            Directory.CreateDirectory(scratch);
            foreach (byte[] seed in list)
            {
                target.Run(seed, scratch); // accepted: no exception at all
                File.WriteAllBytes(Path.Combine(dir, Convert.ToHexStringLower(SHA256.HashData(seed))[..16]), seed);
            }
        }
    }

    /// <summary>GPT disks by sgdisk (plain, hybrid MBR, unicode names) and by our writer (4096-byte blocks), put into
    /// qcow2 by qemu-img in several shapes, plus our own writer's output.</summary>
    private List<byte[]> Qcow2Seeds()
    {
        string raw = SgdiskDisk("q.raw", hybrid: false);
        var seeds = new List<byte[]>();
        string[][] shapes =
        [
            ["-o", "cluster_size=512"], ["-c", "-o", "cluster_size=512"], ["-o", "cluster_size=4096,compat=0.10"],
            ["-o", "cluster_size=4096,lazy_refcounts=on"], ["-c", "-o", "cluster_size=1024"], ["-o", "cluster_size=65536"],
        ];
        for (int i = 0; i < shapes.Length; i++)
        {
            string qcow2 = Path.Combine(_dir, $"seed{i}.qcow2");
            QemuImg.Must(["convert", "-O", "qcow2", .. shapes[i], raw, qcow2]);
            seeds.Add(File.ReadAllBytes(qcow2));
        }
        string ours = Path.Combine(_dir, "ours.qcow2");
        using (var source = new RawFileSource(raw))
            new Qcow2Writer(2048).Convert(source, ours);
        seeds.Add(File.ReadAllBytes(ours));
        return seeds;
    }

    private List<byte[]> GptSeeds()
    {
        var seeds = new List<byte[]> { File.ReadAllBytes(SgdiskDisk("g1.raw", hybrid: false)), File.ReadAllBytes(SgdiskDisk("g2.raw", hybrid: true)) };
        // 4096-byte blocks, kept small (96 blocks) so the fuzzer is fast: two partitions between LBA 8 and 85.
        var table = new CcImage.Core.Gpt.GptTable(4096, 96, DerivedGuid.Disk("fuzz"),
        [
            new CcImage.Core.Gpt.GptPartitionEntry { Index = 0, PartitionTypeGUID = CcImage.Core.Gpt.PartitionRoles.Default.TypeGuid, UniquePartitionGUID = DerivedGuid.Partition("fuzz", "a"), StartingLBA = 8, EndingLBA = 39, PartitionName = "a" },
            new CcImage.Core.Gpt.GptPartitionEntry { Index = 1, PartitionTypeGUID = CcImage.Core.Gpt.PartitionRoles.Default.TypeGuid, UniquePartitionGUID = DerivedGuid.Partition("fuzz", "b"), StartingLBA = 40, EndingLBA = 85, PartitionName = "b" },
        ]);
        seeds.Add(File.ReadAllBytes(GptTestDisk.Write(table, _dir, "g4k.raw")));
        return seeds;
    }

    private string SgdiskDisk(string name, bool hybrid)
    {
        string raw = Path.Combine(_dir, name);
        using (var f = new FileStream(raw, FileMode.Create))
            f.SetLength(384 << 10); // small, so the fuzzer runs thousands of inputs a second
        GptTestDisk.Runner.Run(HostTool.Sgdisk, ["-a", "8", "-n", "1:64:+64K", "-c", "1:boot ∂", "-n", "2:0:+128K", "-c", "2:data", "-n", "3:0:0", raw]);
        if (hybrid)
            GptTestDisk.Runner.Run(HostTool.Sgdisk, ["-h", "1:2", raw]);
        using (var f = new FileStream(raw, FileMode.Open))
        {
            f.Position = 64 * 512;
            f.Write(RandomNumberGenerator.GetBytes(3000));
        }
        return raw;
    }

    private List<byte[]> VeritySeeds()
    {
        string data = Path.Combine(_dir, "zero.img");
        File.WriteAllBytes(data, new byte[VeritySuperblockTarget.DataBytes]);
        string[][] options =
        [
            ["--salt", "-"],
            ["--salt", "00112233445566778899aabbccddeeff"],
            ["--hash", "sha1", "--data-block-size", "1024", "--hash-block-size", "512", "--salt", "ab"],
            ["--format", "0", "--salt", "0102030405060708"],
            ["--hash", "sha512", "--data-block-size", "512", "--salt", "-"],
        ];
        var seeds = new List<byte[]>();
        for (int i = 0; i < options.Length; i++)
        {
            string hash = Path.Combine(_dir, $"hash{i}.img");
            GptTestDisk.Runner.Run(Veritysetup, ["format", .. options[i], "--uuid", "11111111-2222-3333-4444-555555555555", data, hash]);
            seeds.Add(File.ReadAllBytes(hash));
        }
        return seeds;
    }

    private static List<byte[]> CpioSeeds() =>
    [
        CpioTarget.Encode([
            (0, "etc", 0x1ED, []), (1, "etc/hostname", 0x1A4, "site\n"u8.ToArray()), (2, "bin", 0x1FF, "usr/bin"u8.ToArray()),
            (3, "etc/hostname2", 0, "etc/hostname"u8.ToArray()), (4, "dev/console", 0x180, []), (5, "run/fifo", 0x1A4, []),
        ]),
        CpioTarget.Encode([(0, "ünïcode ∂", 0x1ED, []), (1, "ünïcode ∂/file with spaces", 0x1ED, new byte[1000])]),
    ];
}
