// The kernel a root tree ships: its release (the folder under /lib/modules holding modules.dep) and its image
// (/boot/vmlinuz-<release>), for direct kernel boot and for the initramfs's modules.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

/// <param name="Version">The kernel release, e.g. 6.1.0-50-amd64.</param>
/// <param name="ImagePath">The build machine's path of the kernel image (vmlinuz) inside the tree.</param>
public sealed record RootTreeKernel(string Version, string ImagePath)
{
    private const string ImagePrefix = "vmlinuz-";

    /// <summary>
    /// The one kernel of <paramref name="rootTree"/> that has both an image in /boot and modules.dep in /lib/modules;
    /// CCIMG5144 when there is none, CCIMG5145 when there are several (give the version then).
    /// </summary>
    public static RootTreeKernel Find(string rootTree, string? version = null)
    {
        var tree = new RootTree(rootTree);
        var found = new List<RootTreeKernel>();
        string? boot = tree.Resolve("/boot");
        if (boot != null && Directory.Exists(tree.HostPath(boot)))
        {
            foreach (string image in Directory.GetFiles(tree.HostPath(boot), ImagePrefix + "*").Order(StringComparer.Ordinal))
            {
                string release = Path.GetFileName(image)[ImagePrefix.Length..];
                string? dep = tree.Resolve(KernelModuleIndex.DirectoryOf(release) + "/modules.dep");
                string? canonicalImage = tree.Resolve("/" + boot + "/" + Path.GetFileName(image));
                if (dep != null && canonicalImage != null && File.Exists(tree.HostPath(canonicalImage)))
                    found.Add(new RootTreeKernel(release, tree.HostPath(canonicalImage)));
            }
        }
        if (version != null)
            return found.FirstOrDefault(k => k.Version == version)
                ?? throw Diag.Error(nameof(Strings.BootKernelNotFound), tree.Folder, $"kernel {version}");
        return found.Count switch
        {
            0 => throw Diag.Error(nameof(Strings.BootKernelNotFound), tree.Folder, "any kernel"),
            1 => found[0],
            _ => throw Diag.Error(nameof(Strings.BootKernelAmbiguous), tree.Folder, string.Join(", ", found.Select(k => k.Version))),
        };
    }
}
