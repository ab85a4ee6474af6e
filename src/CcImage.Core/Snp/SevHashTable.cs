// The kernel hashes table QEMU writes into the firmware for SEV guests started with -kernel (QEMU
// target/i386/sev.c, SevHashTable / SevHashTableEntry; OVMF BlobVerifierLibSevHashes reads it): a GUID-tagged header
// followed by the SHA-256 of the command line (with its NUL), the initrd and the kernel, padded to 16 bytes.
using System.Buffers.Binary;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Snp;

public sealed class SevHashTable
{
    public static readonly Guid SEV_HASH_TABLE_HEADER_GUID = new("9438d606-4f22-4cc9-b479-a793d411fd21");
    public static readonly Guid SEV_KERNEL_ENTRY_GUID = new("4de79437-abd2-427f-b835-d5b172d2045b");
    public static readonly Guid SEV_INITRD_ENTRY_GUID = new("44baf731-3a2f-4bd7-9af1-41e29169781d");
    public static readonly Guid SEV_CMDLINE_ENTRY_GUID = new("97d02dd8-bd20-4c94-aa78-e7714d36ab2a");

    /// <summary>SevHashTableEntry: GUID, UINT16 length, SHA-256.</summary>
    public const int EntryLength = 16 + 2 + 32;

    /// <summary>SevHashTable: GUID, UINT16 length, then the cmdline, initrd and kernel entries.</summary>
    public const int TableLength = 16 + 2 + 3 * EntryLength;

    /// <summary>The table as QEMU places it: padded to a multiple of 16 bytes.</summary>
    public const int PaddedTableLength = (TableLength + 15) & ~15;

    public SevHashTable(byte[] cmdlineHash, byte[] initrdHash, byte[] kernelHash)
    {
        CmdlineHash = cmdlineHash;
        InitrdHash = initrdHash;
        KernelHash = kernelHash;
    }

    public byte[] CmdlineHash { get; }
    public byte[] InitrdHash { get; }
    public byte[] KernelHash { get; }

    /// <summary>The bytes of the padded table.</summary>
    public byte[] Construct()
    {
        var table = new byte[PaddedTableLength];
        var span = table.AsSpan();
        SEV_HASH_TABLE_HEADER_GUID.TryWriteBytes(span);
        BinaryPrimitives.WriteUInt16LittleEndian(span[16..], TableLength);
        int offset = 18;
        foreach (var (guid, hash) in new[]
                 {
                     (SEV_CMDLINE_ENTRY_GUID, CmdlineHash), (SEV_INITRD_ENTRY_GUID, InitrdHash), (SEV_KERNEL_ENTRY_GUID, KernelHash),
                 })
        {
            guid.TryWriteBytes(span[offset..]);
            BinaryPrimitives.WriteUInt16LittleEndian(span[(offset + 16)..], EntryLength);
            hash.CopyTo(span[(offset + 18)..]);
            offset += EntryLength;
        }
        return table;
    }

    /// <summary>The firmware page holding the table at <paramref name="offsetInPage"/>, zero elsewhere.</summary>
    public byte[] ConstructPage(int offsetInPage)
    {
        if (offsetInPage + PaddedTableLength > AmdSevSnpAbi.PageSize)
            throw Diag.Error(nameof(Strings.SnpHashTableCrossesPage), offsetInPage);
        var page = new byte[AmdSevSnpAbi.PageSize];
        Construct().CopyTo(page, offsetInPage);
        return page;
    }
}
