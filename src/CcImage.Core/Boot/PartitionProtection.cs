// How the initramfs protects one partition before the root filesystem's init sees it (docs/boot-chain.md).
namespace CcImage.Core.Boot;

public enum PartitionProtection
{
    /// <summary>Mounted as it is: no integrity check, no encryption.</summary>
    None,

    /// <summary>dm-verity: read-only, every block checked against the root hash on the kernel command line.</summary>
    Verity,

    /// <summary>LUKS2, formatted at every boot with a random key made in guest memory and never stored.</summary>
    LuksEphemeral,

    /// <summary>LUKS2 opened with a key supplied at launch (QEMU fw_cfg <c>opt/ccimage/key/&lt;name&gt;</c>); formatted on first boot.</summary>
    LuksKeyfile,
}
