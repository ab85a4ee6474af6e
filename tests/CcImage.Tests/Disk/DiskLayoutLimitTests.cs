// DiskLayout at the edges of what qcow2 can hold: a partition or a sum of partitions past 2^56 bytes, or a CcDiskSize
// past it, is a CCIMG error naming the setting — never an overflow or a negative disk size.
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;

namespace CcImage.Tests.Disk;

[TestClass]
public class DiskLayoutLimitTests
{
    private static string Code(Action action) => Assert.ThrowsExactly<CcImageException>(action).Code;

    [TestMethod]
    [DataRow("4611686018427387904")]
    [DataRow("9223372036854775807")]
    [DataRow("65P")]
    public void Plan_PartitionPastTheLimit_ThrowsCcimg1158(string size) =>
        Assert.AreEqual("CCIMG1158", Code(() => DiskLayout.Plan([new PartitionSpec("a") { Size = size }], "seed")));

    [TestMethod]
    public void Plan_PartitionsSummingPastTheLimit_ThrowsCcimg1159()
    {
        var specs = Enumerable.Range(0, 3).Select(i => new PartitionSpec("p" + i) { Size = "32P" }).ToList(); // 3 × 2^55
        Assert.AreEqual("CCIMG1159", Code(() => DiskLayout.Plan(specs, "seed")));
    }

    [TestMethod]
    public void Plan_DiskSizePastTheLimit_ThrowsCcimg1160NamingCcDiskSize()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => DiskLayout.Plan([new PartitionSpec("a") { Size = "*" }], "seed", 1L << 60));
        Assert.AreEqual("CCIMG1160", e.Code);
        StringAssert.Contains(e.Message, "CcDiskSize");
    }

    [TestMethod]
    public void Plan_LargestDisk_PlansWithoutOverflow()
    {
        var plan = DiskLayout.Plan([new PartitionSpec("a") { Size = "*" }], "seed", DiskLayout.MaxDiskBytes);
        Assert.AreEqual(DiskLayout.MaxDiskBytes, plan.TotalBytes);
        Assert.IsGreaterThan(0L, plan.Partitions[0].Length);
    }
}
