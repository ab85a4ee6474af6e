// How much of each verity partition the init reads before it goes on (docs/boot-chain.md, "How much is read").
namespace CcImage.Core.Boot;

public enum VerityCheck
{
    /// <summary>Every block: any changed byte, used or not, stops the boot. The default.</summary>
    Full,

    /// <summary>
    /// The first block only: a wrong root hash still stops the boot, but a changed block is found when something reads
    /// it (the read fails with an I/O error). For emulated test machines where hashing the whole partition is slow.
    /// </summary>
    OnRead,
}
