// DerivedGuid: the RFC 9562 Appendix B.2 name-based UUIDv8 vector, version/variant bits and stability.
using CcImage.Core.Disk;

namespace CcImage.Tests.Disk;

[TestClass]
public class DerivedGuidTests
{
    [TestMethod]
    public void FromName_Rfc9562Example_GivesPublishedUuid() =>
        Assert.AreEqual(new Guid("5c146b14-3c52-8afd-938a-375d0df1fbf6"),
            DerivedGuid.FromName(new Guid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"), "www.example.com"));

    [TestMethod]
    public void Partition_AnySeedAndName_IsVersion8Rfc4122Variant()
    {
        foreach (string name in new[] { "root", "user_config", "ä/ö", "" })
        {
            string text = DerivedGuid.Partition("site-1", name).ToString();
            Assert.AreEqual('8', text[14], text);
            StringAssert.Matches(text[19].ToString(), new System.Text.RegularExpressions.Regex("[89ab]"), text);
        }
    }

    [TestMethod]
    public void Derived_SameInputs_SameGuid_DifferentInputs_DifferentGuid()
    {
        Assert.AreEqual(DerivedGuid.Partition("p", "root"), DerivedGuid.Partition("p", "root"));
        var all = new[]
        {
            DerivedGuid.Partition("p", "root"), DerivedGuid.Partition("q", "root"), DerivedGuid.Partition("p", "var"),
            DerivedGuid.Disk("p"), DerivedGuid.FileSystem("p", "root"), DerivedGuid.HashSeed("p", "root"),
        };
        Assert.AreEqual(all.Length, all.Distinct().Count());
    }
}
