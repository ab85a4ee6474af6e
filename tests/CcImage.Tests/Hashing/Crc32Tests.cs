// Crc32: the IEEE 802.3 check value and agreement with a bit-by-bit reference on every length and alignment.
using CcImage.Core.Hashing;
using System.Text;
using CcImage.Core.Gpt;

namespace CcImage.Tests.Hashing;

[TestClass]
public class Crc32Tests
{
    [TestMethod]
    public void Compute_CheckString_GivesIeeeCheckValue() =>
        Assert.AreEqual(0xCBF43926u, Crc32.Compute(Encoding.ASCII.GetBytes("123456789")));

    [TestMethod]
    public void Compute_Empty_IsZero() => Assert.AreEqual(0u, Crc32.Compute([]));

    [TestMethod]
    public void Compute_AnyLength_MatchesBitwiseReference()
    {
        var random = new Random(7);
        for (int length = 0; length < 300; length++)
        {
            byte[] data = new byte[length];
            random.NextBytes(data);
            Assert.AreEqual(Bitwise(data), Crc32.Compute(data), $"length {length}");
            if (length > 3)
                Assert.AreEqual(Bitwise(data.AsSpan(3)), Crc32.Compute(data.AsSpan(3)), $"offset 3 length {length}");
        }
    }

    private static uint Bitwise(ReadOnlySpan<byte> data)
    {
        uint crc = 0xFFFFFFFF;
        foreach (byte b in data)
        {
            crc ^= b;
            for (int k = 0; k < 8; k++)
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320 : crc >> 1;
        }
        return ~crc;
    }

    [TestMethod]
    public void Append_InPieces_EqualsCompute()
    {
        byte[] data = Enumerable.Range(0, 1000).Select(i => (byte)(i * 31 + 7)).ToArray();
        var crc = new Crc32();
        crc.Append(data.AsSpan(0, 3));
        crc.Append(data.AsSpan(3, 500));
        crc.Append(data.AsSpan(503));
        Assert.AreEqual(Crc32.Compute(data), crc.Value);
    }
}
