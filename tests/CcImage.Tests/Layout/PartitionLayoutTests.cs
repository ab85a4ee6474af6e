// PartitionLayout: the default layout follows the guide per role; items and a YAML layout file resolve the same way;
// bad protections, mount points, roles and layout files are CCIMG12xx errors with the file and line.
using CcImage.Core.Boot;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Layout;
using CcImage.Core.Pipeline;

namespace CcImage.Tests.Layout;

[TestClass]
public class PartitionLayoutTests
{
    private static ImageProject Project(string role = "all", IEnumerable<ProjectItem>? partitions = null, string? layoutFile = null) => new()
    {
        ProjectPath = Path.Combine(Path.GetTempPath(), "site.ccproj"),
        Settings = new ProjectSettings([new("CcRole", role), new("CcLayoutFile", layoutFile)]),
        Items = new Dictionary<string, IReadOnlyList<ProjectItem>> { ["CcPartition"] = (partitions ?? []).ToList() },
    };

    private static ProjectItem Item(string name, params (string Key, string Value)[] metadata) =>
        new(name, metadata.ToDictionary(m => m.Key, m => m.Value)) { File = "/p/site.ccproj", Line = 7 };

    [TestMethod]
    [DataRow("server", "root,config,dynamic")]
    [DataRow("client", "root,config,data,dynamic")]
    [DataRow("all", "root,config,data,dynamic")]
    public void Resolve_NoPartitions_GivesGuideLayoutForRole(string role, string expected)
    {
        var layout = PartitionLayout.Resolve(Project(role));
        Assert.AreEqual(expected, string.Join(',', layout.Select(p => p.Name)));
        var byName = layout.ToDictionary(p => p.Name);
        Assert.AreEqual(PartitionProtection.Verity, byName["root"].Protection);
        Assert.AreEqual("root", byName["root"].Spec.Role);
        Assert.AreEqual(PartitionProtection.Verity, byName["config"].Protection);
        Assert.AreEqual("/opt/nvflare/config", byName["config"].MountPoint);
        Assert.AreEqual(PartitionProtection.LuksEphemeral, byName["dynamic"].Protection);
        Assert.AreEqual("linux-luks", byName["dynamic"].Spec.Role);
        Assert.AreEqual("1G", byName["dynamic"].Spec.Size);
    }

    [TestMethod]
    public void Resolve_LayoutFile_EqualsItems()
    {
        string dir = TestPaths.NewTempDir("layout");
        string file = Path.Combine(dir, "layout.yml");
        File.WriteAllText(file, """
            partitions:
              - name: root
                mountPoint: /
                protection: verity
                verityHash: appended
              - name: scratch
                MountPoint: /var/scratch
                Protection: luks-ephemeral
                size: 64M
                roles: [server]
            """);
        var fromFile = PartitionLayout.Resolve(Project("server", layoutFile: file));
        var fromItems = PartitionLayout.Resolve(Project("server", [
            Item("root", ("MountPoint", "/"), ("Protection", "verity"), ("VerityHash", "appended")),
            Item("scratch", ("MountPoint", "/var/scratch"), ("Protection", "luks-ephemeral"), ("Size", "64M"), ("Roles", "server")),
        ]));
        CollectionAssert.AreEqual(fromItems.Select(p => p with { File = null, Line = 0 }).ToList(),
            fromFile.Select(p => p with { File = null, Line = 0 }).ToList());
        Assert.AreEqual(VerityPlacement.Appended, fromFile[0].Verity);
        Assert.AreEqual(2, fromFile[0].Line);
    }

    [TestMethod]
    public void Resolve_LayoutFileUnknownKey_IsCcimg1221WithLine()
    {
        string file = Path.Combine(TestPaths.NewTempDir("layout"), "layout.yml");
        File.WriteAllText(file, "partitions:\n  - name: root\n    mountpoint: /\n    sise: 1G\n");
        var e = Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project(layoutFile: file)));
        Assert.AreEqual("CCIMG1221", e.Code);
        Assert.AreEqual(file, e.File);
        Assert.AreEqual(4, e.Line);
    }

    [TestMethod]
    public void Resolve_LayoutFileNotYaml_IsCcimg1220()
    {
        string file = Path.Combine(TestPaths.NewTempDir("layout"), "layout.yml");
        File.WriteAllText(file, "partitions:\n  - name: [unclosed\n");
        Assert.AreEqual("CCIMG1220", Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project(layoutFile: file))).Code);
    }

    [TestMethod]
    [DataRow("CCIMG1210", "Protection", "encrypted")]
    [DataRow("CCIMG1211", "MountPoint", "opt/x")]
    [DataRow("CCIMG1211", "MountPoint", "/opt/../etc")]
    [DataRow("CCIMG1213", "Roles", "server;aggregator")]
    [DataRow("CCIMG1215", "VerityHash", "inline")]
    public void Resolve_BadMetadata_IsCodeAtTheItem(string code, string metadata, string value)
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project(partitions:
            [Item("root", ("MountPoint", "/"), ("Protection", "verity")), Item("x", ("Size", "4M"), (metadata, value))])));
        Assert.AreEqual(code, e.Code);
        Assert.AreEqual("/p/site.ccproj", e.File);
        Assert.AreEqual(7, e.Line);
    }

    [TestMethod]
    public void Resolve_LuksWithoutSize_IsCcimg1218() =>
        Assert.AreEqual("CCIMG1218", Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project(partitions:
            [Item("root", ("MountPoint", "/")), Item("d", ("MountPoint", "/d"), ("Protection", "luks-ephemeral"))]))).Code);

    [TestMethod]
    public void Resolve_LuksWithContent_IsCcimg1217() =>
        Assert.AreEqual("CCIMG1217", Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project(partitions:
            [Item("root", ("MountPoint", "/")), Item("d", ("Size", "8M"), ("Content", "x"), ("Protection", "luks-keyfile"))]))).Code);

    [TestMethod]
    public void Resolve_LuksRoot_IsCcimg1219() =>
        Assert.AreEqual("CCIMG1219", Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project(partitions:
            [Item("root", ("MountPoint", "/"), ("Size", "1G"), ("Protection", "luks-ephemeral"))]))).Code);

    [TestMethod]
    public void Resolve_MountWithoutRoot_IsCcimg1214() =>
        Assert.AreEqual("CCIMG1214", Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project(partitions:
            [Item("config", ("MountPoint", "/opt/config"))]))).Code);

    [TestMethod]
    public void Resolve_DuplicateMountPoint_IsCcimg1212() =>
        Assert.AreEqual("CCIMG1212", Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project(partitions:
            [Item("root", ("MountPoint", "/")), Item("a", ("MountPoint", "/x/")), Item("b", ("MountPoint", "/x"))]))).Code);

    [TestMethod]
    public void Resolve_RoleFilterLeavesNothing_IsCcimg1222() =>
        Assert.AreEqual("CCIMG1222", Assert.ThrowsExactly<CcImageException>(() => PartitionLayout.Resolve(Project("server",
            [Item("data", ("Size", "4M"), ("Roles", "client"))]))).Code);
}
