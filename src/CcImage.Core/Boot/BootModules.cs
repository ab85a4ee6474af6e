// Which kernel modules the initramfs loads for a layout: the disk and ext4 always, dm-verity for verity partitions,
// dm-crypt and its ciphers for LUKS2, the fw_cfg reader for launch-time keys and the attestation token. Optional modules
// are CPU accelerators (SHA-NI/AVX2 for sha256, AES-NI), the virtio entropy source and, without key-file partitions,
// the fw_cfg reader: used when the machine has them.
namespace CcImage.Core.Boot;

public static class BootModules
{
    /// <summary>virtio disk, ext4 (crc32c_generic satisfies ext4's soft dependency on crc32c: there is no modprobe to ask).</summary>
    public static IReadOnlyList<(string Name, bool Optional)> Always { get; } =
    [
        ("virtio_pci", false), ("virtio_blk", false), ("virtio_rng", true),
        ("crc32c_generic", false), ("ext4", false),
    ];

    public static IReadOnlyList<(string Name, bool Optional)> Verity { get; } =
        [("sha256_ssse3", true), ("dm_verity", false)];

    /// <summary>dm-crypt with aes-xts-plain64 (xts over ecb(aes)); algif_skcipher lets cryptsetup encrypt key slots in the kernel.</summary>
    public static IReadOnlyList<(string Name, bool Optional)> Luks { get; } =
        [("aesni_intel", true), ("ecb", false), ("xts", false), ("dm_crypt", false), ("algif_skcipher", false)];

    /// <summary>/sys/firmware/qemu_fw_cfg, where launch-time keys and the attestation token are read.</summary>
    public const string FwCfg = "qemu_fw_cfg";

    /// <summary>The modules for <paramref name="layout"/> followed by <paramref name="extra"/>, in that order.</summary>
    public static IReadOnlyList<(string Name, bool Optional)> For(BootLayout layout, IEnumerable<string> extra)
    {
        var list = new List<(string, bool)>(Always);
        if (layout.Uses(PartitionProtection.Verity))
            list.AddRange(Verity);
        if (layout.Uses(PartitionProtection.LuksEphemeral) || layout.Uses(PartitionProtection.LuksKeyfile))
            list.AddRange(Luks);
        // Required when a key-file partition needs its key; otherwise only for an attestation token, when there is one.
        list.Add((FwCfg, !layout.Uses(PartitionProtection.LuksKeyfile)));
        list.AddRange(extra.Select(e => (e, false)));
        return list;
    }
}
