// vCPU signatures: the CPUID Fn0000_0001_EAX value (AMD CPUID specification 25481) QEMU passes in RDX at reset,
// by QEMU CPU model name or from family, model and stepping.
using System.Numerics;

namespace CcImage.Core.Snp;

public static class VcpuSignature
{
    /// <summary>The extended family field is used from this base family on.</summary>
    public const int MaxBaseFamily = 0xF;

    /// <summary>The AMD EPYC CPU models of QEMU's builtin_x86_defs and their signatures, in QEMU's order.</summary>
    public static IReadOnlyList<KeyValuePair<string, ulong>> Types { get; } =
    [
        new("EPYC", Compute(23, 1, 2)),
        new("EPYC-v1", Compute(23, 1, 2)),
        new("EPYC-v2", Compute(23, 1, 2)),
        new("EPYC-IBPB", Compute(23, 1, 2)),
        new("EPYC-v3", Compute(23, 1, 2)),
        new("EPYC-v4", Compute(23, 1, 2)),
        new("EPYC-Rome", Compute(23, 49, 0)),
        new("EPYC-Rome-v1", Compute(23, 49, 0)),
        new("EPYC-Rome-v2", Compute(23, 49, 0)),
        new("EPYC-Rome-v3", Compute(23, 49, 0)),
        new("EPYC-Milan", Compute(25, 1, 1)),
        new("EPYC-Milan-v1", Compute(25, 1, 1)),
        new("EPYC-Milan-v2", Compute(25, 1, 1)),
        new("EPYC-Genoa", Compute(25, 17, 0)),
        new("EPYC-Genoa-v1", Compute(25, 17, 0)),
        new("EPYC-Turin", Compute(26, 0, 0)),
    ];

    /// <summary>The signature of a CPU model name (exact, case-sensitive as QEMU), or false for an unknown name.</summary>
    public static bool TryGetByType(string name, out ulong signature)
    {
        foreach (var (type, sig) in Types)
            if (string.Equals(type, name, StringComparison.Ordinal))
            {
                signature = sig;
                return true;
            }
        signature = 0;
        return false;
    }

    /// <summary>
    /// The signature from family, model and stepping: base family (capped at 0xF) in bits 8-11, extended family in
    /// 20-27, model in 4-7 and 16-19, stepping in 0-3. Computed on unbounded integers and reduced to 64 bits, so that
    /// out-of-range inputs give what the reference gives.
    /// </summary>
    public static ulong Compute(BigInteger family, BigInteger model, BigInteger stepping)
    {
        BigInteger familyLow, familyHigh;
        if (family > MaxBaseFamily)
        {
            familyLow = MaxBaseFamily;
            familyHigh = (family - MaxBaseFamily) & 0xFF;
        }
        else
        {
            familyLow = family;
            familyHigh = 0;
        }
        BigInteger modelLow = model & 0xF;
        BigInteger modelHigh = (model >> 4) & 0xF;
        BigInteger steppingLow = stepping & 0xF;
        var sig = (familyHigh << 20) | (modelHigh << 16) | (familyLow << 8) | (modelLow << 4) | steppingLow;
        return IntegerLiteral.ToUInt64Wrapped(sig);
    }
}
