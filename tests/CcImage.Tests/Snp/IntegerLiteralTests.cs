// Integer options read as the reference's Python int(text) / int(text, 0) reads them.
using System.Numerics;
using CcImage.Core.Snp;

namespace CcImage.Tests.Snp;

[TestClass]
public sealed class IntegerLiteralTests
{
    [TestMethod]
    [DataRow("0x1", true, 1L)]
    [DataRow("0X21", true, 0x21L)]
    [DataRow(" 0x_1f ", true, 0x1fL)]
    [DataRow("0o17", true, 15L)]
    [DataRow("0b101", true, 5L)]
    [DataRow("1_000", true, 1000L)]
    [DataRow("-0x1", true, -1L)]
    [DataRow("+7", true, 7L)]
    [DataRow("0", true, 0L)]
    [DataRow("00", true, 0L)]
    [DataRow("010", false, 10L)]
    [DataRow("\u0663", true, 3L)]
    public void TryParse_AcceptsPythonLiterals(string text, bool autoBase, long expected)
    {
        Assert.IsTrue(IntegerLiteral.TryParse(text, autoBase, out var value), text);
        Assert.AreEqual(new BigInteger(expected), value);
    }

    [TestMethod]
    [DataRow("010", true)]
    [DataRow("0x", true)]
    [DataRow("1__0", true)]
    [DataRow("_1", false)]
    [DataRow("1_", false)]
    [DataRow("0x1", false)]
    [DataRow("", false)]
    [DataRow("12a", false)]
    [DataRow("0x__1", true)]
    public void TryParse_RefusesWhatPythonRefuses(string text, bool autoBase) =>
        Assert.IsFalse(IntegerLiteral.TryParse(text, autoBase, out _), text);

    [TestMethod]
    public void ToUInt64Wrapped_TwosComplement() =>
        Assert.AreEqual(ulong.MaxValue, IntegerLiteral.ToUInt64Wrapped(BigInteger.MinusOne));
}
