// What InitramfsBuilder.Build wrote: the file, its size and SHA-256, the modules in load order, and its cache manifest.
namespace CcImage.Core.Boot;

public sealed record InitramfsResult(string Path, long Size, string Sha256, IReadOnlyList<KernelModule> Modules, InitramfsManifest Manifest);
