// CvmSite: how a cc_config becomes an image project (settings and items of the one settings table), its derived vm_id,
// the site's root overlay, and the errors of cc_configs the mapping cannot build. No image is built here.
using System.Text.Json;
using System.Xml.Linq;
using CcImage.Core.Diagnostics;
using CcImage.Core.Provisioning;

namespace CcImage.Tests.Provisioning;

[TestClass]
public class CvmSiteTests
{
    private static CvmSite Prepare(string role = "client", string extra = "", string? participantType = null,
        IReadOnlyDictionary<string, string>? settings = null, string site = "site-1", string? folder = null)
    {
        folder ??= TestPaths.NewTempDir("cvm-site");
        string kit = ProvisionFixture.StartupKit(Path.Combine(folder, "kits"), site);
        string config = ProvisionFixture.Write(folder, "cc.yml", ProvisionFixture.CcConfig(role, extra: extra + $"\nuser_config:\n  nvflare: {kit}\n"));
        return CvmSite.Prepare(new CvmSiteRequest
        {
            Config = CcConfigReader.Read(config).Config,
            SiteName = site,
            SiteDirectory = Path.Combine(folder, "site"),
            Settings = settings ?? new Dictionary<string, string>(),
            ParticipantType = participantType,
            ProjectFile = participantType != null ? "project.yml" : null,
        }, NullLog.Instance, CancellationToken.None);
    }

    [TestMethod]
    public void Prepare_Client_MapsRoleDrivesPortsAndVmId()
    {
        var site = Prepare();
        var s = site.Project.Settings;
        Assert.AreEqual("client", s["CcRole"]);
        Assert.AreEqual("nvflare-cvm/site-1", s["CcImageSeed"]);
        Assert.AreEqual(site.Facts.VmId, s["CcVmId"]);
        Assert.AreEqual("vm_id=" + site.Facts.VmId, s["CcKernelCmdline"]);
        Assert.AreEqual(12, site.Facts.VmId.Length);
        // 2 GB root + three 64 MiB drives + 2 MiB of GPT room.
        Assert.AreEqual((2048 + 3 * 64 + 2) + "M", s["CcDiskSize"]);
        Assert.AreEqual("none", s["CcGpuMechanism"]);
        var partitions = site.Project.ItemsOf("CcPartition");
        Assert.AreEqual("root,workload,user_config,applog,user_data,vault", string.Join(",", partitions.Select(p => p.Include)));
        Assert.AreEqual("/user_config|verity|64M", string.Join("|", partitions[2].Get("MountPoint"), partitions[2].Get("Protection"), partitions[2].Get("Size")));
        Assert.AreEqual("luks-ephemeral|*", partitions[5].Get("Protection") + "|" + partitions[5].Get("Size"));
        var ports = site.Project.ItemsOf("CcAllowedPort");
        Assert.AreEqual("443:out,8002:out,8999:out", string.Join(",", ports.Select(p => p.Include + ":" + p.Get("Direction"))));
        Assert.Contains("podman", site.Project.ItemsOf("CcPackage").Select(p => p.Include));
    }

    [TestMethod]
    public void Prepare_Overlay_HasHostsAttestationAndWorkload()
    {
        var site = Prepare(extra: "cc_gpu_mechanism: nvidia_cc\nclass_allow_list: [my.app.]\n");
        string overlay = site.Project.Settings["CcRootOverlay"];
        StringAssert.Contains(File.ReadAllText(Path.Combine(overlay, "etc/hosts")), "10.0.2.2\tserver1\n");
        using var attestation = JsonDocument.Parse(File.ReadAllText(Path.Combine(overlay, "etc/ccimage/attestation.json")));
        Assert.AreEqual("nvidia_cc", attestation.RootElement.GetProperty("cc_gpu_mechanism").GetString());
        Assert.AreEqual("my.app.", attestation.RootElement.GetProperty("class_allow_list")[0].GetString());
        Assert.AreEqual(site.Facts.VmId, attestation.RootElement.GetProperty("vm_id").GetString());
        StringAssert.Contains(File.ReadAllText(Path.Combine(overlay, "etc/ccimage/workload.env")), "CCIMAGE_WORKLOAD_IMAGE=" + ProvisionFixture.WorkloadImageId);
        Assert.AreEqual("/dev/null", new FileInfo(Path.Combine(overlay, "etc/systemd/system/podman.socket")).LinkTarget);
        Assert.AreEqual("nvidia_cc", site.Project.Settings["CcGpuMechanism"]);
    }

    [TestMethod]
    public void Prepare_SameInputs_SameVmIdAndUnchangedFolders()
    {
        string folder = TestPaths.NewTempDir("cvm-site-same");
        var first = Prepare(folder: folder);
        string overlay = first.Project.Settings["CcRootOverlay"];
        var stamp = Directory.GetLastWriteTimeUtc(overlay);
        var second = Prepare(folder: folder);
        Assert.AreEqual(first.Facts.VmId, second.Facts.VmId);
        Assert.AreEqual(stamp, Directory.GetLastWriteTimeUtc(overlay));
        Assert.AreNotEqual(first.Facts.VmId, Prepare(site: "site-2").Facts.VmId);
        Assert.AreNotEqual(first.Facts.VmId, Prepare(extra: "allowed_ports: [9000]").Facts.VmId);
        Assert.AreNotEqual(first.Facts.VmId, Prepare(settings: new Dictionary<string, string> { ["CcVcpus"] = "8" }).Facts.VmId);
        Assert.AreEqual(first.Facts.VmId, Prepare(settings: new Dictionary<string, string> { ["CcCacheDirectory"] = "/elsewhere" }).Facts.VmId);
    }

    [TestMethod]
    public void Prepare_ParticipantType_FillsAMissingRoleAndMustAgree()
    {
        string folder = TestPaths.NewTempDir("cvm-site-role");
        string config = ProvisionFixture.Write(folder, "cc.yml", ProvisionFixture.CcConfig("client").Replace("role: client\n", "", StringComparison.Ordinal));
        var request = new CvmSiteRequest
        {
            Config = CcConfigReader.Read(config).Config, SiteName = "s", SiteDirectory = Path.Combine(folder, "s"), ParticipantType = "server", ProjectFile = "p.yml",
        };
        Assert.AreEqual("server", CvmSite.Prepare(request, NullLog.Instance, CancellationToken.None).Facts.Role);
        Assert.AreEqual("CCIMG6023", Assert.ThrowsExactly<CcImageException>(() =>
            CvmSite.Prepare(request with { ParticipantType = null }, NullLog.Instance, CancellationToken.None)).Code);
        var mismatch = Assert.ThrowsExactly<CcImageException>(() => Prepare(role: "client", participantType: "server"));
        Assert.AreEqual("CCIMG6022", mismatch.Code);
        Assert.AreEqual(3, mismatch.Line);
    }

    [TestMethod]
    [DataRow("compute_env: onprem_cvm", "compute_env: azure_confidential_container", "CCIMG6013", DisplayName = "ACI")]
    [DataRow("compute_env: onprem_cvm", "compute_env: azure_cvm", "CCIMG6013", DisplayName = "Azure CVM")]
    [DataRow("cc_cpu_mechanism: amd_sev_snp", "cc_cpu_mechanism: intel_tdx", "CCIMG6014", DisplayName = "TDX")]
    public void Prepare_UnsupportedEnvironment_Fails(string find, string replace, string code)
    {
        string folder = TestPaths.NewTempDir("cvm-site-env");
        string config = ProvisionFixture.Write(folder, "cc.yml", ProvisionFixture.CcConfig("server").Replace(find, replace, StringComparison.Ordinal));
        var e = Assert.ThrowsExactly<CcImageException>(() => CvmSite.Prepare(new CvmSiteRequest
        {
            Config = CcConfigReader.Read(config).Config, SiteName = "s", SiteDirectory = Path.Combine(folder, "s"),
        }, NullLog.Instance, CancellationToken.None));
        Assert.AreEqual(code, e.Code);
        Assert.IsGreaterThan(0, e.Line);
    }

    [TestMethod]
    public void Prepare_NoArchiveOrReservedSetting_Fails()
    {
        string folder = TestPaths.NewTempDir("cvm-site-missing");
        string config = ProvisionFixture.Write(folder, "cc.yml", "compute_env: onprem_cvm\nrole: server\n");
        var request = new CvmSiteRequest { Config = CcConfigReader.Read(config).Config, SiteName = "s", SiteDirectory = Path.Combine(folder, "s") };
        Assert.AreEqual("CCIMG6024", Assert.ThrowsExactly<CcImageException>(() => CvmSite.Prepare(request, NullLog.Instance, CancellationToken.None)).Code);
        Assert.AreEqual("CCIMG6062", Assert.ThrowsExactly<CcImageException>(() => Prepare(settings: new Dictionary<string, string> { ["CcRole"] = "server" })).Code);
        Assert.AreEqual("CCIMG6020", Assert.ThrowsExactly<CcImageException>(() => Prepare(site: "bad name")).Code);
    }

    [TestMethod]
    public void BasePackages_AreTheSdksDefaultPackageSet()
    {
        var targets = XDocument.Load(Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Sdk", "build", "CcImage.Common.targets"));
        string defaults = targets.Descendants().Single(e => e.Name.LocalName == "CcPackage" && e.Parent?.Attribute("Condition")?.Value == "'$(CcIncludeDefaultPackages)' == 'true'")
            .Attribute("Include")!.Value;
        Assert.AreEqual(defaults, string.Join(";", CvmSite.BasePackages));
    }

    [TestMethod]
    public void DockerArchiveInfo_ReadsTheImageIdOfCompressedAndPlainArchives()
    {
        var gz = DockerArchiveInfo.Read(ProvisionFixture.WorkloadArchive, CancellationToken.None);
        Assert.IsTrue(gz.Gzipped);
        Assert.AreEqual(ProvisionFixture.WorkloadImageId, gz.ImageId);
        Assert.Contains("ccimage-test/nvflare-site:1", gz.RepoTags);
        var plain = DockerArchiveInfo.Read(Path.Combine(Path.GetDirectoryName(ProvisionFixture.WorkloadArchive)!, "image.tar"), CancellationToken.None);
        Assert.IsFalse(plain.Gzipped);
        Assert.AreEqual(gz.ImageId, plain.ImageId);
        // skopeo, the reference reader of docker-archive: its config digest is the image ID.
        var skopeo = ProcessResult.Run("skopeo", ["inspect", "--raw", "docker-archive:" + Path.Combine(Path.GetDirectoryName(ProvisionFixture.WorkloadArchive)!, "image.tar")]).AssertSuccess("skopeo inspect");
        using var manifest = JsonDocument.Parse(skopeo.StandardOutput);
        Assert.AreEqual("sha256:" + gz.ImageId, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString());
        string junk = ProvisionFixture.Write(TestPaths.NewTempDir("junk"), "junk.tar.gz", "not an archive");
        Assert.AreEqual("CCIMG6030", Assert.ThrowsExactly<CcImageException>(() => DockerArchiveInfo.Read(junk, CancellationToken.None)).Code);
    }
}
