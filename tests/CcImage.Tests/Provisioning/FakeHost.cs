// A made-up machine for the host check and launch_vm.sh: a folder standing in for / with /proc/cpuinfo, /proc/meminfo,
// kvm_amd's sev_snp parameter, /dev/sev, /dev/kvm, /dev/cpu/0/cpuid (CPUID leaf 0x8000001F at its file offset, as the
// cpuid driver serves it), PCI devices with their vendor, class and bound driver, IOMMU groups, and a stand-in QEMU
// that lists the objects a real one lists for `-object help`. Each test changes what it is about.
using System.Buffers.Binary;

namespace CcImage.Tests.Provisioning;

internal sealed class FakeHost
{
    public const string NvidiaGpu = "0000:41:00.0";
    private const long CpuidLeaf = 0x8000001F;

    public FakeHost(string name)
    {
        Root = TestPaths.NewTempDir("fakehost-" + name);
        Write("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu vme de pse svm sev sev_es sev_snp\n");
        Write("proc/meminfo", "MemTotal:       65536000 kB\nMemAvailable:   32768000 kB\n");
        Write("sys/module/kvm_amd/parameters/sev_snp", "Y\n");
        Write("dev/sev", "");
        Write("dev/kvm", "");
        Directory.CreateDirectory(Path.Combine(Root, "sys/kernel/iommu_groups/12"));
        Qemu = Path.Combine(Root, "qemu-system-x86_64");
        QemuObjects("sev-guest", "sev-snp-guest", "memory-backend-memfd");
        CBitPosition(51);
    }

    public string Root { get; }

    /// <summary>The stand-in QEMU.</summary>
    public string Qemu { get; }

    public void Write(string path, string text)
    {
        string file = Path.Combine(Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
    }

    public void Delete(string path) => File.Delete(Path.Combine(Root, path));

    /// <summary>The objects the stand-in QEMU lists for -object help.</summary>
    public void QemuObjects(params string[] objects)
    {
        File.WriteAllText(Qemu, "#!/bin/sh\n[ \"$1 $2\" = \"-object help\" ] || exit 1\necho 'List of user creatable objects:'\n"
            + string.Concat(objects.Select(o => $"echo '  {o}'\n")));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(Qemu, (UnixFileMode)0x1ED);
    }

    /// <summary>CPUID 0x8000001F with EBX bits 5:0 = <paramref name="position"/> (and the reduced-phys-bits field 11:6 = 1).</summary>
    public void CBitPosition(int position)
    {
        string file = Path.Combine(Root, "dev/cpu/0/cpuid");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var stream = new FileStream(file, FileMode.Create);
        stream.SetLength(CpuidLeaf + 16);
        Span<byte> registers = stackalloc byte[16];
        BinaryPrimitives.WriteUInt32LittleEndian(registers, 0x1_0003); // EAX: SEV, SNP
        BinaryPrimitives.WriteUInt32LittleEndian(registers[4..], (uint)(position | 1 << 6)); // EBX
        stream.Position = CpuidLeaf;
        stream.Write(registers);
    }

    /// <summary>A PCI device; <paramref name="driver"/> null for none.</summary>
    public void PciDevice(string address, string vendor, string @class, string device, string? driver)
    {
        string dir = Path.Combine(Root, "sys/bus/pci/devices", address);
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "vendor"), vendor + "\n");
        File.WriteAllText(Path.Combine(dir, "class"), @class + "\n");
        File.WriteAllText(Path.Combine(dir, "device"), device + "\n");
        if (driver != null)
        {
            Directory.CreateDirectory(Path.Combine(Root, "sys/bus/pci/drivers", driver));
            File.CreateSymbolicLink(Path.Combine(dir, "driver"), "../../../../bus/pci/drivers/" + driver);
        }
    }
}
