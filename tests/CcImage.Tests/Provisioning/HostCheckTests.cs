// The host readiness check (Assets/host-check.sh, run by `ccimage host-check` and first by launch_vm.sh), each check's
// logic against a made-up machine: a ready SEV-SNP host passes; each missing piece fails with its own line and fix.
using CcImage.Core.Diagnostics;
using CcImage.Core.Provisioning;
using CcImage.Core.Tools;

namespace CcImage.Tests.Provisioning;

[TestClass]
public class HostCheckTests
{
    private static HostCheck.Report Check(FakeHost host, bool gpu = false, string memory = "8G", string? qemu = null) =>
        HostCheck.Run(new HostCheckOptions { Root = host.Root, Qemu = qemu ?? host.Qemu, Memory = memory, Gpu = gpu },
            new ToolRunner(NullLog.Instance), CancellationToken.None);

    private static string Failures(HostCheck.Report report) => string.Join("\n", report.Lines.Where(l => l.Contains("FAIL", StringComparison.Ordinal)));

    [TestMethod]
    public void Run_ReadySevSnpHost_PassesEveryCheck()
    {
        var report = Check(new FakeHost("ready"));
        Assert.IsTrue(report.Ready, string.Join("\n", report.Lines));
        Assert.AreEqual("ccimage host-check: the host is ready", report.Lines[^1]);
        Assert.IsTrue(report.Lines.Any(l => l.Contains("offers sev-snp-guest", StringComparison.Ordinal)));
    }

    [TestMethod]
    [DataRow("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu svm sev sev_es\n", "no sev_snp flag", "BIOS", DisplayName = "CPU without SNP")]
    [DataRow("sys/module/kvm_amd/parameters/sev_snp", "N\n", "SEV-SNP off", "sev_snp=1", DisplayName = "kvm_amd sev_snp=N")]
    [DataRow("proc/meminfo", "MemTotal: 4096000 kB\nMemAvailable: 2048000 kB\n", "only 2000 MiB", "--memory", DisplayName = "too little memory")]
    [DataRow("proc/cpuinfo", "processor\t: 0\nflags\t\t: fpu sev sev_es sev_snp\n", "no hardware virtualization", "SVM", DisplayName = "no SVM")]
    public void Run_OneThingWrong_FailsThatCheckWithItsFix(string path, string content, string what, string fix)
    {
        var host = new FakeHost("wrong");
        host.Write(path, content);
        var report = Check(host);
        Assert.IsFalse(report.Ready);
        Assert.AreEqual(1, report.Failed, Failures(report));
        StringAssert.Contains(Failures(report), what);
        StringAssert.Contains(Failures(report), "Fix: ");
        StringAssert.Contains(Failures(report), fix);
    }

    [TestMethod]
    public void Run_NoSevDevice_SaysTheFirmwareIsMissing()
    {
        var host = new FakeHost("nosev");
        host.Delete("dev/sev");
        var report = Check(host);
        Assert.AreEqual(1, report.Failed);
        StringAssert.Contains(Failures(report), "/dev/sev");
        StringAssert.Contains(Failures(report), "SEV firmware");
    }

    [TestMethod]
    public void Run_KvmAmdNotLoaded_SaysSo()
    {
        var host = new FakeHost("nokvmamd");
        host.Delete("sys/module/kvm_amd/parameters/sev_snp");
        StringAssert.Contains(Failures(Check(host)), "kvm_amd is not loaded");
    }

    [TestMethod]
    public void Run_QemuWithoutSevSnpGuest_AsksForANewerQemu()
    {
        var host = new FakeHost("oldqemu");
        host.QemuObjects("sev-guest", "memory-backend-memfd");
        var report = Check(host);
        Assert.AreEqual(1, report.Failed);
        StringAssert.Contains(Failures(report), "no sev-snp-guest object");
        StringAssert.Contains(Failures(report), "9.1");
    }

    [TestMethod]
    public void Run_TheHostsOwnQemu_VerdictMatchesWhatItLists()
    {
        // Cross-check with the installed qemu-system-x86_64: the check passes exactly when it lists sev-snp-guest.
        string qemu = ToolRunner.Locate(HostTool.QemuSystemX86);
        bool offers = ProcessResult.Run(qemu, ["-object", "help"]).Output.Contains("sev-snp-guest", StringComparison.Ordinal);
        var report = Check(new FakeHost("hostqemu"), qemu: qemu);
        Assert.AreEqual(offers, !Failures(report).Contains("sev-snp-guest", StringComparison.Ordinal), string.Join("\n", report.Lines));
    }

    [TestMethod]
    public void Run_GpuBoundToVfio_Passes()
    {
        var host = new FakeHost("gpuok");
        host.PciDevice(FakeHost.NvidiaGpu, "0x10de", "0x030200", "0x2331", "vfio-pci");
        host.PciDevice("0000:00:01.0", "0x1022", "0x060000", "0x1480", "pcieport");
        var report = Check(host, gpu: true);
        Assert.IsTrue(report.Ready, string.Join("\n", report.Lines));
        StringAssert.Contains(string.Join("\n", report.Lines), $"GPU {FakeHost.NvidiaGpu} is bound to vfio-pci");
    }

    [TestMethod]
    [DataRow("nvidia", "host driver nvidia", "blacklist nvidia", DisplayName = "nvidia driver")]
    [DataRow("nouveau", "host driver nouveau", "vfio-pci/new_id", DisplayName = "nouveau driver")]
    [DataRow(null, "bound to no driver", "echo 10de 2331 > /sys/bus/pci/drivers/vfio-pci/new_id", DisplayName = "no driver")]
    public void Run_GpuNotOnVfio_FailsWithTheBindCommand(string? driver, string what, string fix)
    {
        var host = new FakeHost("gpubad");
        host.PciDevice(FakeHost.NvidiaGpu, "0x10de", "0x030200", "0x2331", driver);
        var report = Check(host, gpu: true);
        Assert.AreEqual(1, report.Failed, Failures(report));
        StringAssert.Contains(Failures(report), what);
        StringAssert.Contains(Failures(report), fix);
    }

    [TestMethod]
    public void Run_GpuSiteWithoutGpuOrIommu_FailsBoth()
    {
        var host = new FakeHost("nogpu");
        Directory.Delete(Path.Combine(host.Root, "sys/kernel/iommu_groups"), recursive: true);
        var report = Check(host, gpu: true);
        Assert.AreEqual(2, report.Failed, Failures(report));
        StringAssert.Contains(Failures(report), "amd_iommu=on");
        StringAssert.Contains(Failures(report), "no NVIDIA GPU");
    }

    [TestMethod]
    public void Cli_HostCheck_ExitsZeroWhenReadyAndCcimg6080WhenNot()
    {
        var host = new FakeHost("cli");
        var ready = CcImageCli.Run("host-check", "--root", host.Root, "--qemu", host.Qemu, "--memory", "4G");
        Assert.AreEqual(0, ready.ExitCode, ready.Output);
        StringAssert.Contains(ready.StandardOutput, "the host is ready");
        host.Write("sys/module/kvm_amd/parameters/sev_snp", "0\n");
        var notReady = CcImageCli.Run("host-check", "--root", host.Root, "--qemu", host.Qemu);
        Assert.AreEqual(1, notReady.ExitCode, notReady.Output);
        StringAssert.Contains(notReady.StandardOutput, "FAIL: kvm_amd has SEV-SNP off");
        StringAssert.StartsWith(notReady.StandardError, "ccimage: CCIMG6080:");
    }
}
