// Fuzz target: the OVMF SEV metadata ("ASEV" header and section descriptors) the footer table points to.
using System.Buffers.Binary;

namespace CcImage.Fuzz.Targets;

internal sealed class SevMetadataTarget : FirmwareTargetBase
{
    private static readonly Guid MetadataGuid = new("dc886566-984a-4798-a75e-5585a7bf67cc");

    public override string Name => "sev-metadata";
    public override string Description => "OVMF SEV metadata: ASEV header and section items (launch digest of every section)";

    public override IReadOnlyList<(int Start, int Length)> Focus(byte[] seed)
    {
        // Find the metadata entry's offset by scanning the table for its GUID (tolerant of damaged seeds).
        Span<byte> guid = stackalloc byte[16];
        MetadataGuid.TryWriteBytes(guid);
        int at = seed.AsSpan().LastIndexOf(guid);
        if (at < 6)
            return [(Math.Max(0, seed.Length - 8192), Math.Min(8192, seed.Length))];
        long start = seed.Length - BinaryPrimitives.ReadUInt32LittleEndian(seed.AsSpan(at - 6));
        return start >= 0 && start < seed.Length
            ? [((int)start, (int)Math.Min(16 + 12 * 16, seed.Length - start)), (at - 6, 4)]
            : [(at - 6, 4)];
    }
}
