// NvflareProjectReader on samples/provision/project.yml (a server and two clients with cc_config, an admin without)
// and on broken project files.
using CcImage.Core.Diagnostics;
using CcImage.Core.Provisioning;

namespace CcImage.Tests.Provisioning;

[TestClass]
public class NvflareProjectReaderTests
{
    private static string Sample => Path.Combine(TestPaths.RepoRoot, "samples", "provision", "project.yml");

    [TestMethod]
    public void Read_Sample_ListsTheThreeConfidentialSites()
    {
        var project = NvflareProjectReader.Read(Sample);
        Assert.AreEqual("ccimage_sample_project", project.Name);
        Assert.HasCount(4, project.Participants);
        var sites = project.CcParticipants.ToList();
        Assert.AreEqual("server1,site-1,site-2", string.Join(",", sites.Select(s => s.Name)));
        Assert.AreEqual("server,client,client", string.Join(",", sites.Select(s => s.Type)));
        Assert.AreEqual(Path.Combine(Path.GetDirectoryName(Sample)!, "cc_site-2.yml"), sites[2].CcConfig);
    }

    [TestMethod]
    public void Read_SampleCcConfigs_ParseWithoutWarnings()
    {
        foreach (var site in NvflareProjectReader.Read(Sample).CcParticipants)
        {
            // The samples name /tmp/nvflare-site.tar.gz, as NVFlare's do; give the reader a file there to find.
            string text = File.ReadAllText(site.CcConfig!).Replace("/tmp/nvflare-site.tar.gz", ProvisionFixture.WorkloadArchive, StringComparison.Ordinal);
            var read = CcConfigReader.Read(ProvisionFixture.Write(Path.Combine(ProvisionFixture.Folder, "samples"), Path.GetFileName(site.CcConfig!), text));
            Assert.IsEmpty(read.Warnings, string.Join("; ", read.Warnings.Select(w => w.Message)));
            Assert.AreEqual(site.Type, read.Config.Role);
        }
    }

    [TestMethod]
    [DataRow("name: p\n", "CCIMG6040", 1, DisplayName = "no participants")]
    [DataRow("participants:\n  - name: a\n    type: server\n", "CCIMG6041", 1, DisplayName = "no cc site")]
    [DataRow("participants:\n  - name: a\n    type: admin\n    cc_config: x.yml\n", "CCIMG6043", 4, DisplayName = "admin with cc_config")]
    [DataRow("participants:\n  - name: a\n    type: server\n    cc_config: missing.yml\n", "CCIMG6040", 4, DisplayName = "cc_config missing")]
    [DataRow("participants:\n  - name: a\n    type: server\n  - name: a\n    type: client\n", "CCIMG6042", 4, DisplayName = "duplicate name")]
    public void Read_BrokenProject_FailsWithCodeAndLine(string text, string code, int line)
    {
        string file = ProvisionFixture.Write(Path.Combine(ProvisionFixture.Folder, "projects"), Guid.NewGuid().ToString("N")[..8] + ".yml", text);
        var e = Assert.ThrowsExactly<CcImageException>(() => NvflareProjectReader.Read(file));
        Assert.AreEqual(code, e.Code, e.Message);
        Assert.AreEqual(line, e.Line, e.Message);
    }
}
