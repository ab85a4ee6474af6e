// One kernel module the initramfs loads: its name, its path under /lib/modules/<version>/ and whether the boot
// goes on when it cannot be loaded (an optional accelerator the CPU may lack).
namespace CcImage.Core.Boot;

public sealed record KernelModule(string Name, string RelativePath, bool Optional);
