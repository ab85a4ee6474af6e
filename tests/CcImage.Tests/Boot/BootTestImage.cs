// Builds what the boot tests boot, with CcImage's own Core code: a root tree prepared for the boot contract (boot
// assets, a test probe unit, mount points), ext4 partition images (Ext4Image), their dm-verity hash trees
// (VerityFormatter: the root's in a sibling partition, the config partition's appended), the initramfs
// (InitramfsBuilder), the kernel command line (KernelCommandLine) and, per test, a GPT disk written as qcow2
// (DiskLayout, AssembledDisk, Qcow2Writer) — optionally with one byte flipped, or a keyfile partition pre-formatted.
using System.Globalization;
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;
using CcImage.Core.Tools;
using CcImage.Core.Verity;

namespace CcImage.Tests.Boot;

internal sealed class BootTestImage
{
    public const long SourceDateEpoch = 1700000000;
    public const string Seed = "boot-test";
    private const long MiB = 1L << 20;
    private const long ConfigDataBytes = 8 * MiB;
    private const long LuksPartitionBytes = 64 * MiB;
    private const long DataPartitionBytes = 16 * MiB;

    /// <summary>Written into the image's /opt/nvflare/dynamic; the init copies it into the ephemeral file system.</summary>
    public const string SeedText = "seed-from-the-image";

    /// <summary>Written by the probe into the encrypted partitions; must never appear on the disk in plain text.</summary>
    public const string DynamicMarker = "ccimage-boot-test-marker-dynamic-5d1f0c2a";
    public const string KeyedMarker = "ccimage-boot-test-marker-keyed-9b47e3d6";

    /// <summary>Owner and mode of /opt/nvflare/dynamic in the image.</summary>
    public const string DynamicOwner = "1000:1000";
    public const string DynamicMode = "750";

    /// <summary>The probe prints console lines starting with this.</summary>
    public const string ProbePrefix = "ccimage-test: ";

    public static BootLayout Layout { get; } = new(
    [
        new BootPartition("root", "root", PartitionProtection.Verity, "/") { HashPartitionLabel = "root-verity" },
        new BootPartition("config", "config", PartitionProtection.Verity, "/opt/nvflare/config") { HashOffset = ConfigDataBytes, MountOptions = "nodev,nosuid,noexec" },
        new BootPartition("dynamic", "dynamic", PartitionProtection.LuksEphemeral, "/opt/nvflare/dynamic") { MountOptions = "nodev,nosuid" },
        new BootPartition("keyed", "keyed", PartitionProtection.LuksKeyfile, "/opt/nvflare/keyed") { MountOptions = "nodev,nosuid" },
        new BootPartition("data", "data", PartitionProtection.None, "/opt/nvflare/data") { MountOptions = "nodev,nosuid" },
    ]);

    /// <summary>Kernel module trees the test root partition leaves out (the initramfs takes its modules from the full tree).</summary>
    private static readonly string[] PartitionExcludes = ["usr/lib/modules", "boot"];

    private BootTestImage() { }

    public required string Work { get; init; }
    public required string Kernel { get; init; }
    public required string Initrd { get; init; }

    /// <summary>The same initramfs with <see cref="VerityCheck.OnRead"/>.</summary>
    public required string InitrdOnRead { get; init; }
    public required string CommandLine { get; init; }
    public required IReadOnlyDictionary<string, string> RootHashes { get; init; }

    /// <summary>Partition name (GPT) → raw image file; a partition without one reads as zeros.</summary>
    public required IReadOnlyDictionary<string, string> PartitionImages { get; init; }

    public required VerityFormatResult RootVerity { get; init; }
    public required VerityFormatResult ConfigVerity { get; init; }

    /// <summary>Builds every partition image, the initramfs and the command line in <paramref name="work"/>.</summary>
    public static BootTestImage Build(BootRootFs fixture, string work)
    {
        var runner = new ToolRunner(NullLog.Instance);
        string tree = fixture.CopyTo(Path.Combine(work, "tree"));
        BootAssets.InstallInto(tree, Layout);
        InstallProbe(tree);
        File.WriteAllText(Path.Combine(tree, "opt/nvflare/dynamic/seed.txt"), SeedText + "\n");
        // The ephemeral file system's root takes the owner and mode of the image's mount point (a service user's folder).
        RefTools.Run("chown", DynamicOwner, Path.Combine(tree, "opt/nvflare/dynamic")).AssertSuccess("chown");
        RefTools.Run("chmod", DynamicMode, Path.Combine(tree, "opt/nvflare/dynamic")).AssertSuccess("chmod");

        string initrd = Path.Combine(work, "initrd.img");
        InitramfsBuilder.Build(new InitramfsRequest(tree, fixture.KernelVersion, Layout, initrd) { SourceDateEpoch = SourceDateEpoch },
            NullLog.Instance);
        string initrdOnRead = Path.Combine(work, "initrd-on-read.img");
        InitramfsBuilder.Build(new InitramfsRequest(tree, fixture.KernelVersion, Layout with { VerityCheck = VerityCheck.OnRead }, initrdOnRead)
            { SourceDateEpoch = SourceDateEpoch }, NullLog.Instance);

        foreach (string exclude in PartitionExcludes)
            RefTools.Run("rm", "-rf", Path.Combine(tree, exclude)).AssertSuccess("trimming the test root");
        string rootImage = Path.Combine(work, "root.ext4");
        Ext4Image.Build(runner, tree, rootImage, Ext4Sizing.DefaultBytes(tree), DerivedGuid.FileSystem(Seed, "root"),
            DerivedGuid.HashSeed(Seed, "root"), "root", SourceDateEpoch, preserveOwnership: true);
        string rootHash = Path.Combine(work, "root.verity");
        var rootVerity = VerityFormatter.Format(rootImage, rootHash, Parameters("root", 0));

        string configTree = Path.Combine(work, "config-tree");
        Directory.CreateDirectory(configTree);
        File.WriteAllText(Path.Combine(configTree, "site.conf"), "name = boot-test\n");
        string configImage = Path.Combine(work, "config.img");
        Ext4Image.Build(runner, configTree, configImage, ConfigDataBytes, DerivedGuid.FileSystem(Seed, "config"),
            DerivedGuid.HashSeed(Seed, "config"), "config", SourceDateEpoch);
        var configVerity = VerityFormatter.Format(configImage, configImage, Parameters("config", ConfigDataBytes));

        string dataImage = Path.Combine(work, "data.ext4");
        Ext4Image.Build(runner, null, dataImage, DataPartitionBytes, DerivedGuid.FileSystem(Seed, "data"),
            DerivedGuid.HashSeed(Seed, "data"), "data", SourceDateEpoch);

        var hashes = new Dictionary<string, string> { ["root"] = rootVerity.RootHashHex, ["config"] = configVerity.RootHashHex };
        return new BootTestImage
        {
            Work = work,
            Kernel = fixture.Kernel,
            Initrd = initrd,
            InitrdOnRead = initrdOnRead,
            CommandLine = KernelCommandLine.Build(Layout, hashes, null),
            RootHashes = hashes,
            PartitionImages = new Dictionary<string, string>
            {
                ["root"] = rootImage, ["root-verity"] = rootHash, ["config"] = configImage, ["data"] = dataImage,
            },
            RootVerity = rootVerity,
            ConfigVerity = configVerity,
        };
    }

    private static VerityParameters Parameters(string name, long hashOffset) => new()
    {
        Salt = VeritySeed.DeriveSalt(Seed + "/" + name),
        Uuid = VeritySeed.DeriveUuid(Seed + "/" + name),
        HashOffset = hashOffset,
        DataBlocks = hashOffset / VerityParameters.DefaultBlockSize,
    };

    /// <summary>The disk's partitions, in GPT order; the verity pair's UUIDs come from the root hash (Discoverable Partitions Specification).</summary>
    public IReadOnlyList<PartitionSpec> Specs(IReadOnlyDictionary<string, string>? images = null)
    {
        images ??= PartitionImages;
        byte[] rootHash = RootVerity.RootHash;
        return
        [
            new PartitionSpec("root") { Role = "root", Image = images["root"], Uuid = new Guid(rootHash.AsSpan(0, 16), bigEndian: true).ToString() },
            new PartitionSpec("root-verity") { Role = "root-verity", Image = images["root-verity"], Uuid = new Guid(rootHash.AsSpan(16, 16), bigEndian: true).ToString() },
            new PartitionSpec("config") { Image = images["config"] },
            new PartitionSpec("dynamic") { Size = LuksPartitionBytes.ToString(CultureInfo.InvariantCulture), Image = images.GetValueOrDefault("dynamic") },
            new PartitionSpec("keyed") { Size = LuksPartitionBytes.ToString(CultureInfo.InvariantCulture), Image = images.GetValueOrDefault("keyed") },
            new PartitionSpec("data") { Size = DataPartitionBytes.ToString(CultureInfo.InvariantCulture), Image = images["data"] },
        ];
    }

    public DiskPlan Plan(IReadOnlyDictionary<string, string>? images = null) => DiskLayout.Plan(Specs(images), Seed);

    /// <summary>
    /// Writes the disk as qcow2 to <paramref name="destination"/>; <paramref name="flip"/> (partition, byte offset in it)
    /// inverts one byte, <paramref name="images"/> replaces partition images.
    /// </summary>
    public string WriteDisk(string destination, (string Partition, long Offset)? flip = null, IReadOnlyDictionary<string, string>? images = null)
    {
        var plan = Plan(images);
        var files = plan.Partitions.Where(p => p.SourcePath != null).ToDictionary(p => p.Index, p => p.SourcePath!);
        using var assembled = new AssembledDisk(plan, files);
        IDiskSource source = assembled;
        if (flip is { } f)
        {
            var partition = plan.Partitions.Single(p => p.Name == f.Partition);
            Assert.IsLessThan(partition.Length, f.Offset);
            source = new FlippedByteSource(assembled, partition.Offset + f.Offset);
        }
        new Qcow2Writer().Convert(source, destination);
        return destination;
    }

    /// <summary>The bytes of partition <paramref name="name"/> as the qcow2 disk holds them now.</summary>
    public byte[] ReadPartition(string disk, string name, long length)
    {
        var partition = Plan().Partitions.Single(p => p.Name == name);
        using var image = Qcow2Image.Open(disk);
        byte[] bytes = new byte[Math.Min(length, partition.Length)];
        image.ReadAt(partition.Offset, bytes);
        return bytes;
    }

    /// <summary>A systemd unit in the test root that, once the system is ready, prints what the tests check and powers off.</summary>
    private static void InstallProbe(string tree)
    {
        string script = Path.Combine(tree, "usr/local/sbin/ccimage-test-probe");
        Directory.CreateDirectory(Path.GetDirectoryName(script)!);
        File.WriteAllText(script, $$"""
            #!/bin/sh
            # Boot test probe: reports the running system's mounts and state on the console, leaves markers on the
            # encrypted partitions, then powers off.
            exec > /dev/console 2>&1
            say() { echo "{{ProbePrefix}}$*"; }
            while read -r device mountpoint type options rest; do
            	case "$type" in ext4|swap) say "mount $mountpoint $device $type $options" ;; esac
            done < /proc/mounts
            say "seed $(cat /opt/nvflare/dynamic/seed.txt)"
            say "dynamic-owner $(stat -c '%u:%g %a' /opt/nvflare/dynamic)"
            [ -e /run/ccimage ] && say "run-ccimage present" || say "run-ccimage absent"
            echo "{{DynamicMarker}}" > /opt/nvflare/dynamic/marker.txt
            echo "{{KeyedMarker}}" > /opt/nvflare/keyed/marker.txt
            sync
            say "done"
            systemctl --force poweroff
            """.Replace("\r", ""));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, BootAssets.ExecutableMode);
        string unit = Path.Combine(tree, "etc/systemd/system/ccimage-test-probe.service");
        File.WriteAllText(unit, """
            [Unit]
            Description=CcImage boot test probe
            DefaultDependencies=no
            After=ccimage-ready.service
            Requires=ccimage-ready.service

            [Service]
            Type=oneshot
            ExecStart=/usr/local/sbin/ccimage-test-probe

            [Install]
            WantedBy=multi-user.target
            """);
        string wants = Path.Combine(tree, "etc/systemd/system/multi-user.target.wants");
        Directory.CreateDirectory(wants);
        File.CreateSymbolicLink(Path.Combine(wants, "ccimage-test-probe.service"), "/etc/systemd/system/ccimage-test-probe.service");
    }

    /// <summary>A disk that reads as another with one byte inverted.</summary>
    private sealed class FlippedByteSource(IDiskSource inner, long offset) : IDiskSource
    {
        public long Length => inner.Length;

        public IEnumerable<DiskExtent> DataExtents() => [new DiskExtent(0, inner.Length)];

        public void ReadAt(long at, Span<byte> buffer)
        {
            inner.ReadAt(at, buffer);
            if (offset >= at && offset < at + buffer.Length)
                buffer[(int)(offset - at)] ^= 0xFF;
        }

        public void Dispose() { }
    }
}
