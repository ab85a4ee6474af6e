// Boots a copy of an NVFlare sample's hardened image under QEMU (TCG) the way its launcher would: direct kernel boot with
// the measured command line of expected-measurement.json, a key file for a luks-keyfile partition through fw_cfg
// (opt/ccimage/key/<partition>), and user networking with the test's forwards. The console lines and timings stay with
// the machine; Dispose kills QEMU if it still runs.
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CcImage.Tests.Nvflare;

internal static class SiteVm
{
    /// <summary>Up to here the init and systemd may take to start the site under TCG on 2 busy cores.</summary>
    public static readonly TimeSpan BootTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The console line the site report ends with.</summary>
    public const string SiteReady = "ccimage: site ready";

    /// <summary>The console line the init (or the site's preparation) prints before it powers the machine off.</summary>
    public const string BootStopped = "ccimage: boot stopped";

    /// <summary>Starts QEMU on <paramref name="disk"/> with the boot files of <paramref name="sample"/>.</summary>
    /// <param name="keys">Partition name → key file given at launch.</param>
    public static QemuVm Start(NvflareSample sample, string disk, string work, IReadOnlyDictionary<string, string>? keys = null,
        IReadOnlyList<string>? forwards = null)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(sample.File("expected-measurement.json")));
        var options = new QemuVm.Options(sample.File("vmlinuz"), sample.File("initrd.img"), json.RootElement.GetProperty("cmdline").GetString()!, disk)
        {
            MemoryMiB = 1536,
            FwCfgFiles = (keys ?? new Dictionary<string, string>()).ToDictionary(k => "opt/ccimage/key/" + k.Key, k => k.Value),
            NetworkForwards = forwards ?? [],
        };
        return QemuVm.Start(options, work);
    }

    /// <summary>A copy of the sample's hardened image in <paramref name="work"/> (the built one stays untouched).</summary>
    public static string CopyHardenedImage(NvflareSample sample, string work)
    {
        string disk = Path.Combine(work, "disk.qcow2");
        File.Copy(sample.File("nvflare_cc_image_hardened.qcow2"), disk);
        return disk;
    }

    /// <summary>A key file of 64 random bytes.</summary>
    public static string WriteKey(string work, string name)
    {
        string path = Path.Combine(work, name);
        File.WriteAllBytes(path, System.Security.Cryptography.RandomNumberGenerator.GetBytes(64));
        return path;
    }

    /// <summary>A TCP port on the host's loopback that is free now.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

}
