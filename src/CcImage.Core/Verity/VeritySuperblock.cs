// The 512-byte dm-verity superblock (struct verity_sb), little-endian, written at the hash offset of the hash device.
// Spec: cryptsetup lib/verity/verity.c (struct verity_sb, VERITY_read_sb, VERITY_write_sb); cryptsetup wiki "DMVerity".
using System.Buffers.Binary;
using System.Text;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Verity;

public sealed record VeritySuperblock
{
    public static ReadOnlySpan<byte> Signature => "verity\0\0"u8;
    public const uint SupportedVersion = 1;

    // Field offsets inside struct verity_sb.
    private const int SignatureOffset = 0;
    private const int VersionOffset = 8;
    private const int HashTypeOffset = 12;
    private const int UuidOffset = 16;
    private const int AlgorithmOffset = 32;
    private const int AlgorithmSize = 32;
    private const int DataBlockSizeOffset = 64;
    private const int HashBlockSizeOffset = 68;
    private const int DataBlocksOffset = 72;
    private const int SaltSizeOffset = 80;
    private const int SaltOffset = 88;

    public uint Version { get; init; } = SupportedVersion;
    public uint HashType { get; init; }
    public byte[] Uuid { get; init; } = new byte[VerityUuid.Size];
    public string Algorithm { get; init; } = "";
    public uint DataBlockSize { get; init; }
    public uint HashBlockSize { get; init; }
    public ulong DataBlocks { get; init; }
    public byte[] Salt { get; init; } = [];

    /// <summary>The superblock describing <paramref name="parameters"/> for <paramref name="dataBlocks"/> data blocks.</summary>
    public static VeritySuperblock From(VerityParameters parameters, long dataBlocks) => new()
    {
        HashType = (uint)parameters.HashType,
        Uuid = VerityUuid.Parse(parameters.Uuid),
        Algorithm = parameters.Algorithm.Name,
        DataBlockSize = (uint)parameters.DataBlockSize,
        HashBlockSize = (uint)parameters.HashBlockSize,
        DataBlocks = (ulong)dataBlocks,
        Salt = parameters.Salt,
    };

    /// <summary>Writes the 512 bytes of the superblock (unused bytes zero).</summary>
    public void WriteTo(Span<byte> destination)
    {
        var sb = destination[..VerityTreeLayout.SuperblockSize];
        sb.Clear();
        Signature.CopyTo(sb[SignatureOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[VersionOffset..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[HashTypeOffset..], HashType);
        Uuid.CopyTo(sb[UuidOffset..]);
        // The kernel uses lower-case names; at most 31 characters and a NUL.
        byte[] name = Encoding.ASCII.GetBytes(Algorithm.ToLowerInvariant());
        name.AsSpan(0, Math.Min(name.Length, AlgorithmSize - 1)).CopyTo(sb[AlgorithmOffset..]);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[DataBlockSizeOffset..], DataBlockSize);
        BinaryPrimitives.WriteUInt32LittleEndian(sb[HashBlockSizeOffset..], HashBlockSize);
        BinaryPrimitives.WriteUInt64LittleEndian(sb[DataBlocksOffset..], DataBlocks);
        BinaryPrimitives.WriteUInt16LittleEndian(sb[SaltSizeOffset..], (ushort)Salt.Length);
        Salt.CopyTo(sb[SaltOffset..]);
    }

    /// <summary>Reads a superblock; CCIMG2211 when there is none, CCIMG2212 when a field is not valid.</summary>
    public static VeritySuperblock Read(ReadOnlySpan<byte> source, long offset)
    {
        if (source.Length < VerityTreeLayout.SuperblockSize || !source[..Signature.Length].SequenceEqual(Signature))
            throw Diag.Error(nameof(Strings.VerityNoSuperblock), offset);
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(source[VersionOffset..]);
        if (version != SupportedVersion)
            throw Diag.Error(nameof(Strings.VeritySuperblockInvalid), offset, $"version {version} (only 1 is known)");
        var nameBytes = source.Slice(AlgorithmOffset, AlgorithmSize);
        int nul = nameBytes.IndexOf((byte)0);
        string name = Encoding.ASCII.GetString(nul >= 0 ? nameBytes[..nul] : nameBytes);
        int saltSize = BinaryPrimitives.ReadUInt16LittleEndian(source[SaltSizeOffset..]);
        if (saltSize > VerityParameters.MaxSaltSize)
            throw Diag.Error(nameof(Strings.VeritySuperblockInvalid), offset, $"salt size {saltSize} (at most 256)");
        return new VeritySuperblock
        {
            Version = version,
            HashType = BinaryPrimitives.ReadUInt32LittleEndian(source[HashTypeOffset..]),
            Uuid = source.Slice(UuidOffset, VerityUuid.Size).ToArray(),
            Algorithm = name,
            DataBlockSize = BinaryPrimitives.ReadUInt32LittleEndian(source[DataBlockSizeOffset..]),
            HashBlockSize = BinaryPrimitives.ReadUInt32LittleEndian(source[HashBlockSizeOffset..]),
            DataBlocks = BinaryPrimitives.ReadUInt64LittleEndian(source[DataBlocksOffset..]),
            Salt = source.Slice(SaltOffset, saltSize).ToArray(),
        };
    }

    /// <summary>The parameters this superblock describes, with the hash offset it was read at.</summary>
    public VerityParameters ToParameters(long hashOffset)
    {
        if (HashType > VerityParameters.HashTypeNormal)
            throw Diag.Error(nameof(Strings.VeritySuperblockInvalid), hashOffset, $"hash type {HashType} (only 0 and 1 are known)");
        if (DataBlockSize > VerityParameters.MaxBlockSize || HashBlockSize > VerityParameters.MaxBlockSize
            || DataBlocks > long.MaxValue)
            throw Diag.Error(nameof(Strings.VeritySuperblockInvalid), hashOffset, "a block size or the data block count is out of range");
        var parameters = new VerityParameters
        {
            HashName = Algorithm,
            HashType = (int)HashType,
            DataBlockSize = (int)DataBlockSize,
            HashBlockSize = (int)HashBlockSize,
            DataBlocks = (long)DataBlocks,
            HashOffset = hashOffset,
            Salt = Salt,
            Uuid = VerityUuid.Format(Uuid),
        };
        parameters.Validate();
        return parameters;
    }
}
