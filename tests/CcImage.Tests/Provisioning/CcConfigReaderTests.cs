// CcConfigReader on cc_config files shaped like NVFlare's examples (re-created here) and on broken ones: each error is
// its CCIMG code with the file and line of the offending value; unknown keys are warnings with their line.
using CcImage.Core.Diagnostics;
using CcImage.Core.Provisioning;

namespace CcImage.Tests.Provisioning;

[TestClass]
public class CcConfigReaderTests
{
    private static string Folder => Path.Combine(ProvisionFixture.Folder, "reader");

    private static string Archive()
    {
        string path = Path.Combine(Folder, "app.tar.gz");
        if (!File.Exists(path))
            ProvisionFixture.Write(Folder, "app.tar.gz", "not read by the reader");
        return path;
    }

    private static string Yaml(string text) => ProvisionFixture.Write(Folder, Guid.NewGuid().ToString("N")[..8] + ".yml", text);

    private static CcImageException ReadFails(string text)
    {
        string file = Yaml(text);
        var e = Assert.ThrowsExactly<CcImageException>(() => CcConfigReader.Read(file));
        Assert.AreEqual(file, e.File);
        return e;
    }

    [TestMethod]
    public void Read_NvflareServerExample_GivesEveryValue()
    {
        var read = CcConfigReader.Read(Yaml(ProvisionFixture.CcConfig("server", Archive())));
        var c = read.Config;
        Assert.IsEmpty(read.Warnings);
        Assert.AreEqual("onprem_cvm", c.ComputeEnv);
        Assert.AreEqual("amd_sev_snp", c.CpuMechanism);
        Assert.AreEqual("server", c.Role);
        Assert.AreEqual(2L << 30, c.RootDriveBytes);
        Assert.AreEqual(64L << 20, c.ApplogDriveBytes);
        Assert.AreEqual(Archive(), c.DockerArchive);
        Assert.AreEqual("8002", string.Join(",", c.AllowedPorts));
        Assert.AreEqual("443,8999", string.Join(",", c.AllowedOutPorts));
        Assert.HasCount(1, c.Issuers);
        Assert.AreEqual("snp_authorizer", c.Issuers[0].Id);
        Assert.AreEqual(100L, c.Issuers[0].TokenExpiration);
        Assert.AreEqual("/host/bin/snpguest", (string?)c.Issuers[0].Args["snpguest_binary"]);
        Assert.AreEqual(120L, c.CheckFrequency);
    }

    [TestMethod]
    public void Read_ClientExample_ReadsHostsEntriesAndDefaults()
    {
        var c = CcConfigReader.Read(Yaml(ProvisionFixture.CcConfig("client", Archive()))).Config;
        Assert.HasCount(1, c.HostsEntries);
        Assert.AreEqual("server1", c.HostsEntries[0].Name);
        Assert.AreEqual("10.0.2.2", c.HostsEntries[0].Address.ToString());
        Assert.IsEmpty(c.AllowedPorts);
        Assert.IsNull(c.GpuMechanism);
    }

    [TestMethod]
    public void Read_HostEntriesSpelling_IsTheSameKey()
    {
        var c = CcConfigReader.Read(Yaml($"compute_env: onprem_cvm\nhost_entries:\n  server1: 10.176.4.244\n  fd00-host: fd00::5\n")).Config;
        Assert.AreEqual("10.176.4.244", c.HostsEntries[0].Address.ToString());
        Assert.AreEqual("fd00::5", c.HostsEntries[1].Address.ToString());
    }

    [TestMethod]
    public void Read_MinimalFile_TakesNvflareDefaults()
    {
        var c = CcConfigReader.Read(Yaml("compute_env: mock\n")).Config;
        Assert.AreEqual(600L, c.CheckFrequency);
        Assert.AreEqual(10L << 30, c.RootDriveBytes);
        Assert.AreEqual("amd_sev_snp", c.CpuMechanism);
    }

    [TestMethod]
    public void Read_UserConfigAndAllowList_ResolvesPaths()
    {
        string kit = ProvisionFixture.StartupKit(Path.Combine(Folder, "kits"), "site-9");
        var c = CcConfigReader.Read(Yaml($"compute_env: onprem_cvm\nclass_allow_list: [a.b.C, d.]\nuser_config:\n  nvflare: {kit}\n")).Config;
        Assert.AreEqual(kit, c.StartupKit);
        Assert.AreEqual("a.b.C|d.", string.Join("|", c.ClassAllowList));
    }

    [TestMethod]
    public void Read_UnknownKeys_WarnWithTheirLine()
    {
        var read = CcConfigReader.Read(Yaml("compute_env: onprem_cvm\nroot_drive_sise: 4\ncc_attestation:\n  check_frequence: 30\n"));
        Assert.HasCount(2, read.Warnings);
        Assert.AreEqual("CCIMG6010", read.Warnings[0].Code);
        Assert.AreEqual(2, read.Warnings[0].Line);
        StringAssert.Contains(read.Warnings[0].Message, "root_drive_size");
        Assert.AreEqual(4, read.Warnings[1].Line);
        StringAssert.Contains(read.Warnings[1].Message, "check_frequency");
    }

    [TestMethod]
    [DataRow("role: server\n", "CCIMG6003", 1, "compute_env", DisplayName = "compute_env missing")]
    [DataRow("compute_env: on_prem\n", "CCIMG6005", 1, "onprem_cvm", DisplayName = "unknown compute_env")]
    [DataRow("compute_env: onprem_cvm\nrole: worker\n", "CCIMG6005", 2, "server, client", DisplayName = "unknown role")]
    [DataRow("compute_env: onprem_cvm\ncc_gpu_mechanism: amd_gpu\n", "CCIMG6005", 2, "nvidia_cc", DisplayName = "unknown GPU mechanism")]
    [DataRow("compute_env: onprem_cvm\nallowed_ports: 8002\n", "CCIMG6004", 2, "a list", DisplayName = "ports not a list")]
    [DataRow("compute_env: onprem_cvm\nallowed_ports:\n- 8002\n- 70000\n", "CCIMG6006", 4, "70000", DisplayName = "port too large")]
    [DataRow("compute_env: onprem_cvm\nallowed_out_ports: [443, 0]\n", "CCIMG6006", 2, "0", DisplayName = "port zero")]
    [DataRow("compute_env: onprem_cvm\nallowed_out_ports: [https]\n", "CCIMG6006", 2, "https", DisplayName = "port a word")]
    [DataRow("compute_env: onprem_cvm\nallowed_ports: [\"8002\"]\n", "CCIMG6006", 2, "8002", DisplayName = "port quoted")]
    [DataRow("compute_env: onprem_cvm\nroot_drive_size: big\n", "CCIMG6004", 2, "number of GB", DisplayName = "size a word")]
    [DataRow("compute_env: onprem_cvm\napplog_drive_size: -1\n", "CCIMG6007", 2, "-1", DisplayName = "size negative")]
    [DataRow("compute_env: onprem_cvm\nhosts_entries:\n  server1: 10.0.0.300\n", "CCIMG6009", 3, "10.0.0.300", DisplayName = "bad address")]
    [DataRow("compute_env: onprem_cvm\nhosts_entries:\n  bad_name: 10.0.0.3\n", "CCIMG6008", 3, "bad_name", DisplayName = "bad host name")]
    [DataRow("compute_env: onprem_cvm\nhosts_entries: [server1]\n", "CCIMG6004", 2, "a mapping", DisplayName = "hosts not a mapping")]
    [DataRow("compute_env: onprem_cvm\nhosts_entries: {a: 10.0.0.1}\nhost_entries: {b: 10.0.0.2}\n", "CCIMG6011", 3, "host_entries", DisplayName = "both spellings")]
    [DataRow("compute_env: onprem_cvm\ncc_issuers:\n  - path: x.Y\n", "CCIMG6003", 3, "cc_issuers[0].id", DisplayName = "issuer without id")]
    [DataRow("compute_env: onprem_cvm\ncc_issuers:\n  - id: a\n    path: x.Y\n    token_expiration: 700\n", "CCIMG6012", 5, "600", DisplayName = "token outlives check")]
    [DataRow("compute_env: onprem_cvm\ncc_attestation:\n  check_frequency: soon\n", "CCIMG6004", 3, "seconds", DisplayName = "frequency a word")]
    [DataRow("compute_env: onprem_cvm\ncc_issuers: snp\n", "CCIMG6004", 2, "a list", DisplayName = "issuers not a list")]
    [DataRow("compute_env: onprem_cvm\nclass_allow_list: a.b\n", "CCIMG6004", 2, "a list", DisplayName = "allow list not a list")]
    [DataRow("compute_env: onprem_cvm\ndocker_archive: /nonexistent/app.tar.gz\n", "CCIMG6016", 2, "/nonexistent/app.tar.gz", DisplayName = "archive missing")]
    [DataRow("compute_env: onprem_cvm\nuser_config:\n  ../x: /tmp\n", "CCIMG6015", 3, "../x", DisplayName = "user_config key")]
    [DataRow("compute_env: onprem_cvm\nrole: server: client\n", "CCIMG6001", 2, "YAML", DisplayName = "YAML syntax")]
    [DataRow("- compute_env: onprem_cvm\n", "CCIMG6002", 1, "a list", DisplayName = "not a mapping")]
    public void Read_BrokenFile_FailsWithCodeAndLine(string text, string code, int line, string mentioned)
    {
        var e = ReadFails(text);
        Assert.AreEqual(code, e.Code, e.Message);
        Assert.AreEqual(line, e.Line, e.Message);
        StringAssert.Contains(e.Message, $"line {line}");
        StringAssert.Contains(e.Message, mentioned);
    }
}
