// CRC-32 with the IEEE 802.3 polynomial 0x04C11DB7 in its reflected form 0xEDB88320, initial value and final XOR
// 0xFFFFFFFF: the check of the GPT header and partition entry array (UEFI 2.10 §5.3.2) and of gzip members (RFC 1952 §8).
// Table-driven, slicing-by-4; one-shot (Compute) or incremental (Append, Value).
namespace CcImage.Core.Hashing;

public sealed class Crc32
{
    /// <summary>The reflected IEEE 802.3 polynomial.</summary>
    public const uint ReflectedPolynomial = 0xEDB88320u;

    private const uint InitialValue = 0xFFFFFFFFu;
    private const uint FinalXor = 0xFFFFFFFFu;
    private const int TableCount = 4;
    private const int TableSize = 256;

    private static readonly uint[][] Tables = BuildTables();

    private uint _state = InitialValue;

    /// <summary>The CRC-32 of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(InitialValue, data) ^ FinalXor;

    /// <summary>Adds <paramref name="data"/> to a running CRC.</summary>
    public void Append(ReadOnlySpan<byte> data) => _state = Append(_state, data);

    /// <summary>The CRC-32 of everything appended so far.</summary>
    public uint Value => _state ^ FinalXor;

    private static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        uint[] t0 = Tables[0], t1 = Tables[1], t2 = Tables[2], t3 = Tables[3];
        int i = 0;
        for (; i + 4 <= data.Length; i += 4)
        {
            crc ^= (uint)(data[i] | data[i + 1] << 8 | data[i + 2] << 16 | data[i + 3] << 24);
            crc = t3[crc & 0xFF] ^ t2[(crc >> 8) & 0xFF] ^ t1[(crc >> 16) & 0xFF] ^ t0[crc >> 24];
        }
        for (; i < data.Length; i++)
            crc = t0[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[][] BuildTables()
    {
        var tables = new uint[TableCount][];
        for (int t = 0; t < TableCount; t++)
            tables[t] = new uint[TableSize];
        for (uint n = 0; n < TableSize; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? ReflectedPolynomial ^ (c >> 1) : c >> 1;
            tables[0][n] = c;
        }
        for (int n = 0; n < TableSize; n++)
            for (int t = 1; t < TableCount; t++)
                tables[t][n] = (tables[t - 1][n] >> 8) ^ tables[0][tables[t - 1][n] & 0xFF];
        return tables;
    }
}
