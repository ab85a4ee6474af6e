// SourceDateEpoch: unset is 0, whole seconds that fit 32 bits are taken, anything else is CCIMG1006.
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests.Config;

[TestClass]
public class SourceDateEpochTests
{
    [TestMethod]
    [DataRow(null, 0u)]
    [DataRow("", 0u)]
    [DataRow("1700000000", 1700000000u)]
    [DataRow(" 42 ", 42u)]
    [DataRow("4294967295", 4294967295u)]
    public void Parse_ValidValues(string? text, uint expected) => Assert.AreEqual(expected, SourceDateEpoch.Parse(text));

    [TestMethod]
    [DataRow("yesterday")]
    [DataRow("-1")]
    [DataRow("1.5")]
    [DataRow("4294967296")]
    public void Parse_InvalidValues_AreCcimg1006(string text) =>
        Assert.AreEqual("CCIMG1006", Assert.ThrowsExactly<CcImageException>(() => SourceDateEpoch.Parse(text)).Code);

}
