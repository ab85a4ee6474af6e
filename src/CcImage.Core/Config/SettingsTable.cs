// The settings table: every CcImage property with its default, kind, the pipeline steps it affects and its meaning.
// sdk/CcImage.Sdk/build/CcImage.Defaults.props, the settings list the targets hand to the tasks and docs/properties.md
// follow this table one to one, in this order; tests in tests/CcImage.Tests/Config keep them in step.
using static CcImage.Core.Config.PipelineSteps;

namespace CcImage.Core.Config;

public static class SettingsTable
{
    /// <summary>The Debian package and version of the default firmware, pinned so the measurement does not drift.</summary>
    public const string PinnedOvmfVersion = "2026.08+ds-2";

    /// <summary>SHA-256 of OVMF.amdsev.fd in <see cref="PinnedOvmfVersion"/>.</summary>
    public const string PinnedOvmfSha256 = "3e4fd0b3fe3b2dbe481c3d9e99418a034174f26cbe1f55aa212b0f18c12d2d6f";

    /// <summary>The hardened image's kernel arguments: no merged slabs, zeroed allocations, shuffled pages, a random
    /// kernel stack offset, no vsyscall page, no debugfs, kernel lockdown (confidentiality; only signed modules).</summary>
    public const string HardeningKernelCmdline =
        "slab_nomerge init_on_alloc=1 page_alloc.shuffle=1 randomize_kstack_offset=on vsyscall=none debugfs=off lockdown=confidentiality";

    public static IReadOnlyList<Setting> All { get; } =
    [
        // Where results go.
        new("CcOutputDir", "", SettingKind.Path, None, "where images, boot files and manifests are written") { ComputedDefault = true },
        new("CcIntermediateDir", "", SettingKind.Path, None, "fingerprints, stage records and work folders") { ComputedDefault = true },
        new("CcCacheDirectory", "", SettingKind.Path, None, "the content-addressed stage cache shared by every build of the user (a CI job persists this folder)") { ComputedDefault = true },
        new("CcCacheMaxSize", "20G", SettingKind.Size, None, "the stage cache is trimmed to this size after a build, least recently used entries first"),

        // The site.
        new("CcRole", "all", SettingKind.Choice, Images, "which partitions an image gets: server, client or all") { Choices = ["server", "client", "all"] },
        new("CcImageSeed", "", SettingKind.Text, Images, "seed of every derived GUID, UUID and verity salt") { ComputedDefault = true },
        new("CcSourceDateEpoch", "", SettingKind.Number, Images, "the time written into file systems and archives (SOURCE_DATE_EPOCH)") { ComputedDefault = true },

        // Stage 1: the root filesystem.
        new("CcDistribution", "debian", SettingKind.Choice, BuildBaseImage, "distribution of the root filesystem") { Choices = ["debian", "ubuntu"] },
        new("CcSuite", "bookworm", SettingKind.Text, BuildBaseImage, "distribution release (suite)"),
        new("CcMirror", "", SettingKind.Text, BuildBaseImage, "package mirror URI; empty: the machine's configured Debian mirror"),
        new("CcKeyring", "", SettingKind.Path, BuildBaseImage, "keyring that signs the mirror; empty: the distribution's archive keyring"),
        new("CcComponents", "main", SettingKind.Text, BuildBaseImage, "archive components, separated by ; (Ubuntu: main;universe)"),
        new("CcArchitecture", "amd64", SettingKind.Text, BuildBaseImage, "package architecture"),
        new("CcLocale", "C.UTF-8", SettingKind.Text, BuildBaseImage, "the image's locale: C.UTF-8, or one such as en_US.UTF-8 generated at build time"),
        new("CcTimezone", "Etc/UTC", SettingKind.Text, BuildBaseImage, "the image's time zone (tz database name)"),
        new("CcIncludeDefaultPackages", "true", SettingKind.Boolean, BuildBaseImage, "add the base package set (kernel, systemd, cryptsetup, busybox, e2fsprogs, ...) to the CcPackage items"),
        new("CcPackageLockFile", "ccimage.lock.json", SettingKind.Path, BuildBaseImage, "every installed package and version; written by the first build, then installed exactly"),
        new("CcLockedMode", "false", SettingKind.Boolean, BuildBaseImage, "fail instead of writing the lock file when it is missing or does not match the packages"),

        // Stage 1: partitions, disk, boot chain.
        new("CcBaseImageName", "nvcc_image.qcow2", SettingKind.Text, BuildBaseImage, "file name of the stage-1 image"),
        new("CcLayoutFile", "", SettingKind.Path, Images, "a YAML partition layout, instead of or before CcPartition items"),
        new("CcDynamicPartitionSize", "1G", SettingKind.Size, Images, "size of the default layout's dynamic partition (encrypted, formatted at every boot)"),
        new("CcDataPartitionSize", "1G", SettingKind.Size, Images, "size of the default layout's data partition (client images)"),
        new("CcDiskSize", "", SettingKind.Size, Images, "the disk's virtual size; empty: the partitions plus GPT overhead"),
        new("CcSectorSize", "512", SettingKind.Choice, Images, "logical sector size of the GPT") { Choices = ["512", "4096"] },
        new("CcClusterSize", "65536", SettingKind.Size, Images, "qcow2 cluster size (512 B to 2 MiB, a power of two)"),
        new("CcKernelCmdline", "", SettingKind.Text, Images | MeasureSnp, "extra kernel command-line arguments, after the ones the boot chain needs"),
        new("CcVerityCheck", "full", SettingKind.Choice, Images, "how much of each verity partition the init reads at boot: full (every block) or on-read (first block; for slow emulated test machines)") { Choices = ["full", "on-read"] },
        new("CcInitramfsModules", "", SettingKind.Text, Images, "more kernel modules for the initramfs, separated by ; (e.g. nvme;virtio_scsi)"),
        new("CcSkipImageTests", "false", SettingKind.Boolean, None, "skip the checks run on each image after it is written"),

        // Stage 2: InstallNvflare (docs/install-nvflare.md).
        new("CcNvflareImageName", "nvflare_cc_image.qcow2", SettingKind.Text, InstallNvflare, "file name of the stage-2 image"),
        new("CcNvflareVersion", "", SettingKind.Text, InstallNvflare, "NVFlare version pip installs (nvflare==VERSION); set, Build adds InstallNvflare, ResizeQcow2 and HardenImage; empty: stage 1 only (ACI: no NVFlare layer)"),
        new("CcPythonVersion", "", SettingKind.Text, InstallNvflare, "Python of the virtual environment, 3.9 to 3.12, checked against the distribution's (or CcPythonArchive's); empty: the distribution's"),
        new("CcPythonArchive", "", SettingKind.Path, InstallNvflare, "an interpreter archive (tar, optionally compressed; bin/python3 at its top or in its one top folder) installed at CcNvflareHome/python instead of the distribution's Python"),
        new("CcVenvPath", "/opt/nvflare/venv", SettingKind.Text, InstallNvflare, "where the Python virtual environment with NVFlare goes in the image"),
        new("CcNvflareHome", "/opt/nvflare", SettingKind.Text, Images, "NVFlare's folder in the image: the default layout mounts config, data and dynamic below it"),
        new("CcUser", "nvflare", SettingKind.Text, InstallNvflare | HardenImage, "the service account the site runs as"),
        new("CcGroup", "nvflare", SettingKind.Text, InstallNvflare | HardenImage, "the service account's group"),
        new("CcPipIndexUrl", "", SettingKind.Text, InstallNvflare | HardenImage, "the package index pip installs from; empty: pip's default index, or none when CcPipFindLinks is set"),
        new("CcPipExtraIndexUrl", "", SettingKind.Text, InstallNvflare | HardenImage, "more package indexes, separated by ;"),
        new("CcPipFindLinks", "", SettingKind.Path, InstallNvflare | HardenImage, "a local wheelhouse folder pip installs from (with CcPipIndexUrl empty: no index at all)"),

        // ResizeQcow2 (in Build: grows the stage-2 image; HardenImage grows its image the same way).
        new("CcImageSize", "10G", SettingKind.Size, ResizeQcow2 | HardenImage, "the virtual size to grow an image to (+5G grows by that much); never shrinks"),
        new("CcResizeInput", "", SettingKind.Path, ResizeQcow2, "the qcow2 image -t:ResizeQcow2 grows in place"),
        new("CcResizeGrowGpt", "true", SettingKind.Boolean, ResizeQcow2, "also move the backup GPT and extend the last partition"),

        // Stage 3: HardenImage (docs/harden-image.md).
        new("CcHardenedImageName", "nvflare_cc_image_hardened.qcow2", SettingKind.Text, HardenImage, "file name of the stage-3 image"),
        new("CcRequirementsFile", "requirements.txt", SettingKind.Path, HardenImage, "the site's Python requirements (pip install -r); required"),
        new("CcStartupKit", "", SettingKind.Path, HardenImage, "the site's startup kit folder from nvflare provision: startup/ and local/ go to the config partition"),
        new("CcSiteServiceName", "nvflare-site", SettingKind.Text, HardenImage, "name of the systemd unit that runs the site"),
        new("CcSiteCommand", "", SettingKind.Text, HardenImage, "what the site unit runs (a sh command line, as CcUser in the workspace); empty: the startup kit's startup/sub_start.sh"),
        new("CcInputPartitionSize", "1G", SettingKind.Size, HardenImage, "size of the input partition mounted at /mnt/data/nvflare/input (client images)"),
        new("CcInputProtection", "none", SettingKind.Choice, HardenImage, "none, or luks-keyfile: the input partition is LUKS2-encrypted with a key file given at launch") { Choices = ["none", "luks-keyfile"] },
        new("CcOutputPartitionSize", "1G", SettingKind.Size, HardenImage, "size of the output partition mounted at /mnt/data/nvflare/output (server images)"),
        new("CcOutputProtection", "none", SettingKind.Choice, HardenImage, "none, or luks-keyfile: the output partition is LUKS2-encrypted with a key file given at launch") { Choices = ["none", "luks-keyfile"] },
        new("CcHardeningKernelCmdline", HardeningKernelCmdline, SettingKind.Text, HardenImage, "kernel arguments the hardened image boots with, before CcKernelCmdline; empty: none"),

        // MeasureSnp.
        new("CcOvmf", "", SettingKind.Path, MeasureSnp, "firmware file; empty: OVMF.amdsev.fd from the pinned Debian package"),
        new("CcOvmfPackage", "ovmf-amdsev", SettingKind.Text, MeasureSnp, "Debian package of the default firmware"),
        new("CcOvmfSuite", "sid", SettingKind.Text, MeasureSnp, "Debian suite of that package"),
        new("CcOvmfVersion", PinnedOvmfVersion, SettingKind.Text, MeasureSnp, "pinned package version; empty: the suite's newest (the measurement then drifts)"),
        new("CcOvmfPath", "/usr/share/ovmf/OVMF.amdsev.fd", SettingKind.Text, MeasureSnp, "the firmware's path inside the package"),
        new("CcOvmfSha256", PinnedOvmfSha256, SettingKind.Sha256, MeasureSnp, "pinned SHA-256 of the firmware; another file is an error"),
        new("CcKernel", "", SettingKind.Path, MeasureSnp, "kernel to measure; empty: the image's own vmlinuz"),
        new("CcInitrd", "", SettingKind.Path, MeasureSnp, "initrd to measure; empty: the image's own initrd.img"),
        new("CcVcpus", "1", SettingKind.Number, MeasureSnp, "vCPUs the VM is launched with"),
        new("CcVcpuType", "EPYC-v4", SettingKind.Text, MeasureSnp, "QEMU CPU model"),
        new("CcVmmType", "QEMU", SettingKind.Choice, MeasureSnp, "QEMU, ec2 or gce") { Choices = ["QEMU", "ec2", "gce"] },
        new("CcGuestFeatures", "0x1", SettingKind.Text, MeasureSnp, "VMSA SEV features"),
        new("CcSnpMode", "snp", SettingKind.Choice, MeasureSnp, "snp, seves or sev") { Choices = ["snp", "seves", "sev"] },
        // Confidential ACI (CcTarget=ACI, CcImage.Aci.targets).
        new("CcTarget", "", SettingKind.Text, None, "what Build makes: empty for the VM stages, ACI for the NVFlare server on Confidential Azure Container Instances"),
        new("CcAciBaseImage", "", SettingKind.Path, None, "local base image archive (docker save or OCI layout) with Python; empty with CcAciBaseRootfs: made from that tar") { ComputedDefault = true },
        new("CcAciBaseRootfs", "", SettingKind.Path, None, "a root filesystem tar (as mmdebstrap writes it) made into the base image"),
        new("CcAciImage", "", SettingKind.Text, None, "image name the container group pulls, REGISTRY/REPOSITORY:TAG"),
        new("CcAciStartupKit", "", SettingKind.Path, None, "the server's startup-kit folder, copied to CcAciNvflareHome/<folder name>"),
        new("CcAciPythonVersion", "", SettingKind.Text, None, "the base image's Python (lib/pythonX.Y/site-packages)") { ComputedDefault = true },
        new("CcAciNvflareHome", "", SettingKind.Text, None, "where NVFlare and the startup kit go in the image") { ComputedDefault = true },
        new("CcAciContainerGroupName", "", SettingKind.Text, None, "default of the template's containerGroupName parameter") { ComputedDefault = true },
        new("CcAciPorts", "8002;8003", SettingKind.Text, None, "TCP ports of the container and the public IP"),
        new("CcAciCpu", "2", SettingKind.Text, None, "CPU cores the container requests"),
        new("CcAciMemoryInGB", "4", SettingKind.Text, None, "memory (GB) the container requests"),
        new("CcAciRestartPolicy", "Never", SettingKind.Text, None, "the container group's restartPolicy"),
        new("CcAciDnsNameLabel", "", SettingKind.Text, None, "public IP DNS label"),
        new("CcAciRegistryUser", "", SettingKind.Text, None, "registry user for PushAciImage (the ACR token user when a token is given)"),
        new("CcAciRegistryTokenEnv", "", SettingKind.Text, None, "environment variable holding the registry token (never a property value)"),
        new("CcAciRegistryTokenFile", "", SettingKind.Path, None, "file holding the registry token"),
        new("CcAciRegistryInsecureHttp", "false", SettingKind.Boolean, None, "push over plain HTTP (a local test registry)"),
        // NVFlare provisioning: cc_config sites (ccimage build-cvm, CcProjectFile), launch_vm.sh and the bundle (docs/nvflare-provisioning.md).
        new("CcRootOverlay", "", SettingKind.Path, Images, "a folder laid over the root file system when an image is assembled (a site's /etc/hosts, units, settings), without rebuilding the root file system stage"),
        new("CcVmId", "", SettingKind.Text, None, "the VM's id: the bundle folder cvm_<id> (build-cvm derives it from the site and its inputs and puts vm_id=<id> on the measured command line)"),
        new("CcProjectFile", "", SettingKind.Path, None, "an NVFlare project.yml: Build makes one image per participant with a cc_config, in parallel, each in $(CcOutputDir)<site>/"),
        new("CcStartupKitsDir", "", SettingKind.Path, None, "with CcProjectFile: the folder holding a startup kit per participant (NVFlare's prod_NN), each used as the site's user_config nvflare"),
        new("CcCvmBundle", "false", SettingKind.Boolean, None, "also write launch_vm.sh, README.txt and the bundle cvm_<id>.tgz into the output folder"),
        new("CcLaunchMemory", "8G", SettingKind.Size, None, "memory launch_vm.sh gives the VM unless --memory says otherwise (not part of the measurement)"),
        new("CcSnpPolicy", "0x30000", SettingKind.Text, None, "the SEV-SNP guest policy launch_vm.sh passes to QEMU (0x30000: SMT allowed, no debugging, no migration agent)"),
        new("CcGpuMechanism", "none", SettingKind.Choice, None, "nvidia_cc: launch_vm.sh passes the host's NVIDIA GPU to the VM (VFIO) after checking no host driver holds it") { Choices = ["none", "nvidia_cc"] },
    ];

    private static readonly Dictionary<string, Setting> ByName = All.ToDictionary(s => s.Name, StringComparer.Ordinal);

    /// <summary>The setting called <paramref name="name"/>, or null.</summary>
    public static Setting? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The setting called <paramref name="name"/>; a name not in the table is a programming error.</summary>
    public static Setting Get(string name) =>
        ByName.TryGetValue(name, out var s) ? s : throw new ArgumentException($"No setting named '{name}'.", nameof(name));
}
