// The boot chain of a bootable image: its kernel, initramfs and the full kernel command line (all measured).
namespace CcImage.Core.Pipeline;

public sealed record BootFiles(string Kernel, string Initrd, string Cmdline);
