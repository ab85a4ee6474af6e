// launch_vm.sh as LaunchScript writes it: passes shellcheck (ShellcheckCrossCheck), and its --dry-run prints the QEMU
// command it would run, checked here option by option — the SEV-SNP machine, the memfd memory backend, the guest object
// with the C-bit position read from the (made-up) host's CPUID, the measured firmware, kernel, initrd and command line,
// the drive, port forwards, GPU passthrough and launch keys — and without SEV (--no-sev, --tcg).
using CcImage.Core.Provisioning;

namespace CcImage.Tests.Provisioning;

[TestClass]
public class LaunchScriptTests
{
    private const string Cmdline = "console=ttyS0 ro systemd.gpt_auto=0 systemd.swap=0 ccimage.verity.root=ab12 vm_id=0123456789ab";

    private static LaunchOptions Options(string gpu = "none", params string[] keyfiles) => new()
    {
        SiteName = "site-1",
        VmId = "0123456789ab",
        Vcpus = 4,
        VcpuType = "EPYC-v4",
        Kernel = "vmlinuz",
        Initrd = "initrd.img",
        Firmware = "OVMF.amdsev.fd",
        Cmdline = Cmdline,
        Disk = "nvcc_image.qcow2",
        DefaultMemory = "16G",
        InboundPorts = ["tcp:8002", "tcp:8003"],
        GpuMechanism = gpu,
        KeyfilePartitions = keyfiles,
    };

    private static string Script(LaunchOptions options)
    {
        string dir = TestPaths.NewTempDir("launch");
        string script = Path.Combine(dir, LaunchScript.FileName);
        File.WriteAllText(script, LaunchScript.Render(options));
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(script, (UnixFileMode)0x1ED);
        return script;
    }

    private static ProcessResult Launch(string script, FakeHost host, params string[] args) =>
        ProcessResult.Run(script, args, environment: new Dictionary<string, string> { ["CCIMAGE_HOST_ROOT"] = host.Root, ["QEMU"] = host.Qemu },
            timeoutSeconds: 60);

    /// <summary>The QEMU arguments of a dry run (the first line is QEMU itself).</summary>
    private static List<string> DryRun(string script, FakeHost host, params string[] args)
    {
        var result = Launch(script, host, ["--dry-run", .. args]);
        Assert.AreEqual(0, result.ExitCode, result.Output);
        var lines = result.StandardOutput.TrimEnd('\n').Split('\n').ToList();
        Assert.AreEqual(host.Qemu, lines[0]);
        return lines.Skip(1).ToList();
    }

    /// <summary>The values that follow each occurrence of <paramref name="option"/>.</summary>
    private static List<string> Values(List<string> args, string option) =>
        args.Select((a, i) => (a, i)).Where(x => x.a == option && x.i + 1 < args.Count).Select(x => args[x.i + 1]).ToList();

    [TestMethod]
    public void Render_PassesShellcheck()
    {
        foreach (var options in new[] { Options(), Options("nvidia_cc", "input", "output") })
        {
            var result = ProcessResult.Run("shellcheck", ["--shell=sh", "--severity=style", Script(options)]);
            Assert.AreEqual(0, result.ExitCode, result.Output);
        }
    }

    [TestMethod]
    public void DryRun_SevSnp_HasEveryOptionAsMeasured()
    {
        var host = new FakeHost("launch");
        host.CBitPosition(51);
        string script = Script(Options());
        string here = Path.GetDirectoryName(script)!;
        var args = DryRun(script, host);

        Assert.AreEqual("q35,confidential-guest-support=sev0,vmport=off,memory-backend=ram1", Values(args, "-machine").Single());
        var objects = Values(args, "-object");
        Assert.AreEqual("memory-backend-memfd,id=ram1,size=16G,share=true,prealloc=false", objects[0]);
        Assert.AreEqual("sev-snp-guest,id=sev0,cbitpos=51,reduced-phys-bits=1,policy=0x30000,kernel-hashes=on", objects[1]);
        Assert.HasCount(2, objects);
        Assert.AreEqual("4", Values(args, "-smp").Single());
        Assert.AreEqual("EPYC-v4", Values(args, "-cpu").Single());
        Assert.AreEqual("16G", Values(args, "-m").Single());
        Assert.Contains("-enable-kvm", args);
        Assert.AreEqual(Path.Combine(here, "OVMF.amdsev.fd"), Values(args, "-bios").Single());
        Assert.AreEqual(Path.Combine(here, "vmlinuz"), Values(args, "-kernel").Single());
        Assert.AreEqual(Path.Combine(here, "initrd.img"), Values(args, "-initrd").Single());
        Assert.AreEqual(Cmdline, Values(args, "-append").Single());
        Assert.AreEqual($"if=none,id=disk0,format=qcow2,file={Path.Combine(here, "nvcc_image.qcow2")}", Values(args, "-drive").Single());
        var devices = Values(args, "-device");
        CollectionAssert.Contains(devices, "virtio-blk-pci,drive=disk0,disable-legacy=on,iommu_platform=on");
        CollectionAssert.Contains(devices, "virtio-net-pci,netdev=net0,disable-legacy=on,iommu_platform=on");
        Assert.AreEqual("user,id=net0,hostfwd=tcp::8002-:8002,hostfwd=tcp::8003-:8003", Values(args, "-netdev").Single());
        Assert.Contains("-no-reboot", args);
        Assert.IsEmpty(Values(args, "-fw_cfg"));
    }

    [TestMethod]
    public void DryRun_CBitFromCpuid_FollowsTheHost()
    {
        var host = new FakeHost("cbit");
        host.CBitPosition(47);
        var args = DryRun(Script(Options()), host, "--memory", "2G");
        StringAssert.Contains(Values(args, "-object")[1], "cbitpos=47,");
        StringAssert.Contains(Values(args, "-object")[0], "size=2G,");
        var given = DryRun(Script(Options()), host, "--cbitpos", "51");
        StringAssert.Contains(Values(given, "-object")[1], "cbitpos=51,");
    }

    [TestMethod]
    public void DryRun_NoSev_DropsTheConfidentialOptions()
    {
        var host = new FakeHost("nosev");
        var args = DryRun(Script(Options()), host, "--tcg", "--memory", "1G");
        Assert.AreEqual("q35", Values(args, "-machine").Single());
        Assert.IsEmpty(Values(args, "-object"));
        Assert.IsEmpty(Values(args, "-bios"));
        Assert.AreEqual("tcg", Values(args, "-accel").Single());
        Assert.AreEqual(Cmdline, Values(args, "-append").Single());
        CollectionAssert.Contains(Values(args, "-device"), "virtio-blk-pci,drive=disk0");
    }

    [TestMethod]
    public void DryRun_GpuSite_PassesTheGpuThroughVfio()
    {
        var host = new FakeHost("gpu");
        var args = DryRun(Script(Options("nvidia_cc")), host, "--gpu", FakeHost.NvidiaGpu);
        var devices = Values(args, "-device");
        CollectionAssert.Contains(devices, "pcie-root-port,id=gpu-port0,bus=pcie.0");
        CollectionAssert.Contains(devices, $"vfio-pci,host={FakeHost.NvidiaGpu},bus=gpu-port0");
        CollectionAssert.Contains(Values(args, "-fw_cfg"), "name=opt/ovmf/X-PciMmio64Mb,string=262144");
    }

    [TestMethod]
    public void Launch_GpuSiteOnHostWithDriverBound_StopsAtTheHostCheck()
    {
        var host = new FakeHost("gpudriver");
        host.PciDevice(FakeHost.NvidiaGpu, "0x10de", "0x030200", "0x2331", "nvidia");
        var result = Launch(Script(Options("nvidia_cc")), host, "--cbitpos", "51", "--memory", "1G");
        Assert.AreEqual(1, result.ExitCode, result.Output);
        StringAssert.Contains(result.StandardOutput, "FAIL: GPU 0000:41:00.0 is bound to the host driver nvidia");
        StringAssert.Contains(result.StandardError, "the host is not ready");
    }

    [TestMethod]
    public void DryRun_KeyfilePartitions_NeedTheirKeys()
    {
        var host = new FakeHost("keys");
        string script = Script(Options("none", "input"));
        string key = Path.Combine(Path.GetDirectoryName(script)!, "input.key");
        File.WriteAllBytes(key, new byte[64]);
        var args = DryRun(script, host, "--key", "input=" + key);
        Assert.AreEqual($"name=opt/ccimage/key/input,file={key}", Values(args, "-fw_cfg").Single());

        var missing = Launch(script, host, "--dry-run");
        Assert.AreEqual(1, missing.ExitCode);
        StringAssert.Contains(missing.StandardError, "give --key input=FILE");
        var unknown = Launch(script, host, "--dry-run", "--key", "output=" + key, "--key", "input=" + key);
        StringAssert.Contains(unknown.StandardError, "no luks-keyfile partition 'output'");
        File.WriteAllBytes(key, new byte[8]);
        StringAssert.Contains(Launch(script, host, "--dry-run", "--key", "input=" + key).StandardError, "shorter than 32 bytes");
    }

    [TestMethod]
    public void Help_ListsTheOptions()
    {
        var result = ProcessResult.Run(Script(Options()), ["--help"]);
        Assert.AreEqual(0, result.ExitCode);
        foreach (string option in new[] { "--no-sev", "--dry-run", "--key NAME=FILE", "--memory SIZE", "--gpu BDF", "--cbitpos N" })
            StringAssert.Contains(result.StandardOutput, option);
    }
}
