// MSBuild task: builds the dm-verity hash tree of a partition image (into a separate hash file, or appended to the image)
// and returns the root hash, salt, UUID and hash offset for the kernel command line and the partition table.
// Never random: the salt is given, or derived with the UUID from SaltSeed (docs/verity.md).
using System.Globalization;
using CcImage.Core.Diagnostics;
using CcImage.Core.Verity;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class ComputeVerity : CcTask
{
    /// <summary>The partition image (data device).</summary>
    [Required]
    public string DataPath { get; set; } = "";

    /// <summary>The hash device file; empty appends the hash area to <see cref="DataPath"/>.</summary>
    public string? HashPath { get; set; }

    public string HashAlgorithm { get; set; } = VerityHashAlgorithm.Sha256.Name;

    public int DataBlockSize { get; set; } = VerityParameters.DefaultBlockSize;

    public int HashBlockSize { get; set; } = VerityParameters.DefaultBlockSize;

    /// <summary>Salt as hex, or "-" for none (either this or <see cref="SaltSeed"/> is required); after the task, the salt used.</summary>
    [Output] public string? Salt { get; set; }

    /// <summary>A string the salt and UUID are derived from (reproducible).</summary>
    public string? SaltSeed { get; set; }

    /// <summary>Superblock UUID; derived from <see cref="SaltSeed"/> (or from the salt) when empty; after the task, the UUID used.</summary>
    [Output] public string? Uuid { get; set; }

    /// <summary>1 (normal) or 0 (Chrome OS).</summary>
    public int Format { get; set; } = VerityParameters.HashTypeNormal;

    public bool NoSuperblock { get; set; }

    [Output] public string RootHash { get; private set; } = "";

    /// <summary>Byte offset of the hash area (superblock) in the hash file, or in the data file when appended.</summary>
    [Output] public long HashOffset { get; private set; }

    [Output] public long DataBlocks { get; private set; }

    protected override void ExecuteCore()
    {
        if (string.IsNullOrEmpty(Salt) && string.IsNullOrEmpty(SaltSeed))
            throw Diag.Error(nameof(Strings.RequiredPropertyMissing), "Salt or SaltSeed", "the dm-verity salt (hex) or a seed to derive it from");
        byte[] salt = !string.IsNullOrEmpty(Salt) ? VeritySalt.Parse(Salt) : VeritySeed.DeriveSalt(SaltSeed!);
        string uuid = !string.IsNullOrEmpty(Uuid) ? Uuid
            : VeritySeed.DeriveUuid(!string.IsNullOrEmpty(SaltSeed) ? SaltSeed : "salt:" + VeritySalt.Format(salt));

        var parameters = new VerityParameters
        {
            HashName = HashAlgorithm, DataBlockSize = DataBlockSize, HashBlockSize = HashBlockSize, HashType = Format,
            Salt = salt, Uuid = uuid, NoSuperblock = NoSuperblock,
        };
        parameters.Validate();

        // Appended: the image is padded to whole blocks and the hash area follows, under an undo journal (a failure leaves
        // the image as it was); separate: the hash file is written beside and renamed into place.
        var result = string.IsNullOrEmpty(HashPath)
            ? VerityFormatter.AppendToImage(DataPath, parameters, cancellationToken: CancellationToken)
            : VerityFormatter.Format(DataPath, HashPath, parameters, cancellationToken: CancellationToken);
        RootHash = result.RootHashHex;
        Salt = result.SaltHex;
        Uuid = result.Uuid ?? "";
        HashOffset = result.HashOffset;
        DataBlocks = result.DataBlocks;
        CoreLog.Info(string.Format(CultureInfo.InvariantCulture, "verity: {0}: {1} data blocks, root hash {2}",
            DataPath, DataBlocks, RootHash));
    }
}
