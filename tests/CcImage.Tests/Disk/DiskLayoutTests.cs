// DiskLayout.Plan: alignment, disk size, fill, roles, derived and explicit GUIDs, attributes, and each CCIMG11xx refusal.
using CcImage.Core.Disk;
using CcImage.Core.Gpt;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.Disk;

[TestClass]
public class DiskLayoutTests
{
    private const long MiB = 1L << 20;
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("disk-layout");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    [DataRow(512)]
    [DataRow(4096)]
    public void Plan_Partitions_StartOnMiBBoundariesInOrder(int sectorSize)
    {
        var plan = DiskLayout.Plan([P("a", "3M"), P("b", "1000K"), P("c", "5000000")], "seed", sectorSize: sectorSize);
        long previousEnd = -1;
        foreach (var p in plan.Partitions)
        {
            Assert.AreEqual(0, p.Offset % MiB, p.Name);
            Assert.IsGreaterThan(previousEnd, p.FirstLBA);
            previousEnd = p.LastLBA;
        }
        Assert.AreEqual(MiB, plan.Partitions[0].Offset);
        Assert.AreEqual(3 * MiB, plan.Partitions[0].Length);
        Assert.AreEqual(1000 * 1024L, plan.Partitions[1].Length);
        Assert.AreEqual((5000000 + sectorSize - 1) / sectorSize * sectorSize, plan.Partitions[2].Length);
    }

    [TestMethod]
    public void Plan_NoTotalSize_SumPlusGptOverheadInWholeMiB()
    {
        var plan = DiskLayout.Plan([P("a", "3M"), P("b", "2M")], "seed");
        // 1 MiB primary GPT + 3 + 2 + 1 MiB for the backup GPT
        Assert.AreEqual(7 * MiB, plan.TotalBytes);
        plan.ToGptTable(); // valid
    }

    [TestMethod]
    public void Plan_FillLast_TakesRestUpToLastUsable()
    {
        var plan = DiskLayout.Plan([P("a", "3M"), P("rest", "*")], "seed", totalSize: 64 * MiB);
        var table = plan.ToGptTable();
        Assert.AreEqual(64 * MiB, plan.TotalBytes);
        Assert.AreEqual(table.LastUsableLBA, plan.Partitions[1].LastLBA);
        Assert.AreEqual(4 * MiB, plan.Partitions[1].Offset);
    }

    [TestMethod]
    public void Plan_RolesTypesAndDefaults_ResolveToTypeGuids()
    {
        var plan = DiskLayout.Plan(
        [
            P("esp", "1M") with { Role = "esp" },
            P("r", "1M") with { Role = "root" },
            P("custom", "1M") with { Type = "933AC7E1-2EB4-4F13-B844-0E14E2AEF915" },
            P("same", "1M") with { Type = "4f68bce3-e8cd-4db1-96e7-fbcaf984b709", Role = "root" },
            P("plain", "1M"),
        ], "seed");
        Assert.AreEqual(PartitionRoles.Find("esp")!.TypeGuid, plan.Partitions[0].TypeGuid);
        Assert.AreEqual(new Guid("4f68bce3-e8cd-4db1-96e7-fbcaf984b709"), plan.Partitions[1].TypeGuid);
        Assert.AreEqual(PartitionRoles.Find("home")!.TypeGuid, plan.Partitions[2].TypeGuid);
        Assert.AreEqual(PartitionRoles.Default.TypeGuid, plan.Partitions[4].TypeGuid);
    }

    [TestMethod]
    public void Plan_Guids_DerivedFromSeedUnlessGiven()
    {
        var explicitUuid = new Guid("11111111-2222-4333-8444-555555555555");
        var plan = DiskLayout.Plan([P("a", "1M"), P("b", "1M") with { Uuid = explicitUuid.ToString() }], "proj");
        Assert.AreEqual(DerivedGuid.Partition("proj", "a"), plan.Partitions[0].UniqueGuid);
        Assert.AreEqual(explicitUuid, plan.Partitions[1].UniqueGuid);
        Assert.AreEqual(DerivedGuid.Disk("proj"), plan.DiskGuid);
        CollectionAssert.AreEqual(plan.Partitions.ToList(),
            DiskLayout.Plan([P("a", "1M"), P("b", "1M") with { Uuid = explicitUuid.ToString() }], "proj").Partitions.ToList());
        Assert.AreNotEqual(plan.DiskGuid, DiskLayout.Plan([P("a", "1M")], "other").DiskGuid);
    }

    [TestMethod]
    public void Plan_AttributesAndLabel_GoIntoEntry()
    {
        var plan = DiskLayout.Plan([P("a", "1M") with { Attributes = "read-only, no-auto 0 0x4", Label = "Data Disk" }], "s");
        var entry = plan.ToGptTable().Partitions[0];
        Assert.AreEqual(GptAttributes.ReadOnly | GptAttributes.NoAuto | GptAttributes.RequiredPartition | GptAttributes.LegacyBiosBootable, entry.Attributes);
        Assert.AreEqual("Data Disk", entry.PartitionName);
    }

    [TestMethod]
    public void Plan_ImageWithoutSize_TakesImageLength()
    {
        string image = Path.Combine(_dir, "p.img");
        File.WriteAllBytes(image, new byte[3 * 512 + 1]);
        var plan = DiskLayout.Plan([new PartitionSpec("img") { Image = image }], "s");
        Assert.AreEqual(4 * 512L, plan.Partitions[0].Length);
        Assert.AreEqual(PartitionContentKind.RawImage, plan.Partitions[0].ContentKind);
    }

    [TestMethod]
    public void Plan_FolderWithoutSize_GetsDefaultExt4Size()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_dir, "tree")).FullName;
        File.WriteAllBytes(Path.Combine(folder, "big"), new byte[5 * MiB]);
        var plan = DiskLayout.Plan([new PartitionSpec("fs") { Content = "tree" }], "s", baseDirectory: _dir);
        Assert.AreEqual(PartitionContentKind.Ext4, plan.Partitions[0].ContentKind);
        Assert.IsGreaterThan(5 * MiB, plan.Partitions[0].Length);
        Assert.AreEqual(0, plan.Partitions[0].Length % MiB);
    }

    [TestMethod]
    public void FromMetadata_ItemMetadata_FillsEachProperty()
    {
        var metadata = PartitionSpec.MetadataNames.ToDictionary(n => n, n => n == "PartitionLabel" ? "" : "v-" + n);
        var spec = PartitionSpec.FromMetadata("root", n => metadata.GetValueOrDefault(n));
        Assert.AreEqual(new PartitionSpec("root")
        {
            Size = "v-Size", Content = "v-Content", Image = "v-Image", Type = "v-Type", Role = "v-Role",
            Uuid = "v-Uuid", Attributes = "v-Attributes", Filesystem = "v-Filesystem",
                PreserveOwnership = "v-PreserveOwnership", MountPoint = "v-MountPoint", Protection = "v-Protection",
                Roles = "v-Roles", VerityHash = "v-VerityHash", MountOptions = "v-MountOptions",
        }, spec);
    }

    [TestMethod]
    public void Plan_DuplicateNames_ThrowsCcimg1103() =>
        Throws("CCIMG1103", [P("a", "1M"), P("a", "1M")]);

    [TestMethod]
    public void Plan_UnknownRole_ThrowsCcimg1104() =>
        Throws("CCIMG1104", [P("a", "1M") with { Role = "rootfs" }]);

    [TestMethod]
    [DataRow("not-a-guid", null)]
    [DataRow(null, "1234")]
    [DataRow("00000000-0000-0000-0000-000000000000", null)]
    public void Plan_BadGuid_ThrowsCcimg1105(string? type, string? uuid) =>
        Throws("CCIMG1105", [P("a", "1M") with { Type = type, Uuid = uuid }]);

    [TestMethod]
    public void Plan_TypeAndRoleDisagree_ThrowsCcimg1106() =>
        Throws("CCIMG1106", [P("a", "1M") with { Type = PartitionRoles.Default.TypeGuid.ToString(), Role = "swap" }]);

    [TestMethod]
    public void Plan_NameOver36Chars_ThrowsCcimg1107() =>
        Throws("CCIMG1107", [P(new string('x', 37), "1M")]);

    [TestMethod]
    public void Plan_LabelOver36Chars_ThrowsCcimg1107() =>
        Throws("CCIMG1107", [P("a", "1M") with { Label = new string('y', 40) }]);

    [TestMethod]
    public void Plan_Ext4LabelOver16Bytes_ThrowsCcimg1108() =>
        Throws("CCIMG1108", [P("a-very-long-partition-name", "16M") with { Filesystem = "ext4" }]);

    [TestMethod]
    public void Plan_BadAttributes_ThrowsCcimg1109() =>
        Throws("CCIMG1109", [P("a", "1M") with { Attributes = "read-only,bogus" }]);

    [TestMethod]
    public void Plan_ContentAndImage_ThrowsCcimg1110() =>
        Throws("CCIMG1110", [P("a", "1M") with { Content = ".", Image = "x.img" }]);

    [TestMethod]
    public void Plan_UnknownFilesystem_ThrowsCcimg1111() =>
        Throws("CCIMG1111", [P("a", "1M") with { Filesystem = "xfs" }]);

    [TestMethod]
    public void Plan_MissingImage_ThrowsCcimg1112() =>
        Throws("CCIMG1112", [P("a", "1M") with { Image = "does-not-exist.img" }]);

    [TestMethod]
    public void Plan_NoSizeNoContent_ThrowsCcimg1113() =>
        Throws("CCIMG1113", [new PartitionSpec("a")]);

    [TestMethod]
    public void Plan_SizeSmallerThanImage_ThrowsCcimg1114()
    {
        File.WriteAllBytes(Path.Combine(_dir, "big.img"), new byte[2 * MiB]);
        Throws("CCIMG1114", [P("a", "1M") with { Image = "big.img" }]);
    }

    [TestMethod]
    public void Plan_SizeSmallerThanFolder_ThrowsCcimg1114()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "tree"));
        File.WriteAllBytes(Path.Combine(_dir, "tree", "f"), new byte[3 * MiB]);
        Throws("CCIMG1114", [P("a", "2M") with { Content = "tree" }]);
    }

    [TestMethod]
    public void Plan_FillNotLast_ThrowsCcimg1115() =>
        Throws("CCIMG1115", [P("a", "*"), P("b", "1M")], 64 * MiB);

    [TestMethod]
    public void Plan_FillWithoutTotal_ThrowsCcimg1116() =>
        Throws("CCIMG1116", [P("a", "1M"), P("b", "*")]);

    [TestMethod]
    public void Plan_SameExplicitUuid_ThrowsCcimg1117() =>
        Throws("CCIMG1117", [P("a", "1M") with { Uuid = "11111111-2222-4333-8444-555555555555" },
            P("b", "1M") with { Uuid = "11111111-2222-4333-8444-555555555555" }]);

    [TestMethod]
    public void Plan_TooManyPartitions_ThrowsCcimg1118() =>
        Throws("CCIMG1118", Enumerable.Range(0, 129).Select(i => P("p" + i, "1M")).ToList());

    [TestMethod]
    public void Plan_EmptyList_ThrowsCcimg1101() => Throws("CCIMG1101", []);

    [TestMethod]
    public void Plan_TotalTooSmall_ThrowsCcimg1122() =>
        Throws("CCIMG1122", [P("a", "8M")], 8 * MiB);

    [TestMethod]
    public void Plan_BadSize_ThrowsCcimg1002() =>
        Throws("CCIMG1002", [P("a", "lots")]);

    private static PartitionSpec P(string name, string size) => new(name) { Size = size };

    private void Throws(string code, List<PartitionSpec> specs, long? total = null) =>
        GptTestDisk.AssertThrowsCode(code, () => DiskLayout.Plan(specs, "seed", total, baseDirectory: _dir));
}
