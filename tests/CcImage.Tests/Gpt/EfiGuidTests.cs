// EfiGuid: the mixed-endian on-disk layout of EFI_GUID.
using CcImage.Core.Gpt;

namespace CcImage.Tests.Gpt;

[TestClass]
public class EfiGuidTests
{
    [TestMethod]
    public void Write_EspTypeGuid_UsesMixedEndianLayout()
    {
        byte[] bytes = new byte[16];
        EfiGuid.Write(new Guid("c12a7328-f81f-11d2-ba4b-00a0c93ec93b"), bytes);
        CollectionAssert.AreEqual(Convert.FromHexString("28732AC11FF8D211BA4B00A0C93EC93B"), bytes);
    }

    [TestMethod]
    public void Read_AfterWrite_GivesSameGuid()
    {
        var guid = new Guid("4f68bce3-e8cd-4db1-96e7-fbcaf984b709");
        byte[] bytes = new byte[16];
        EfiGuid.Write(guid, bytes);
        Assert.AreEqual(guid, EfiGuid.Read(bytes));
        CollectionAssert.AreEqual(Convert.FromHexString("E3BC684FCDE8B14D96E7FBCAF984B709"), bytes);
    }
}
