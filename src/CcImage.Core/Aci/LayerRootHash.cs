// The dm-verity root hash a confidential container group checks for one image layer: the layer tar (gzip accepted)
// converted to hcsshim's compact ext4 image, then hashed as hcsshim's dmverity.MerkleTree does (4096-byte blocks,
// sha256 over a 32-byte zero salt and the block, each level padded with zeros to a whole block, levels built until
// one block remains; the root is sha256(salt ‖ that block), printed as lowercase hex). No superblock is involved.
// The image itself is never written: each block's hash is kept as the block is produced (see VerityLeafSink).
// Spec: hcsshim ext4/tar2ext4 ConvertAndComputeRootDigest and ext4/dmverity; kernel Documentation/admin-guide/
// device-mapper/verity.rst for the tree.
using System.IO.Compression;
using System.Security.Cryptography;
using CcImage.Core.CompactExt4;
using CcImage.Core.Diagnostics;
using CcImage.Core.LayerTar;

namespace CcImage.Core.Aci;

public static class LayerRootHash
{
    private const int BlockSize = CompactExt4Layout.BlockSize;
    private const int HashSize = VerityLeafSink.HashSize;
    private const byte GzipMagic1 = 0x1f;
    private const byte GzipMagic2 = 0x8b;

    /// <summary>The root hash of the layer tar (or gzip-compressed tar) at <paramref name="path"/>.</summary>
    public static string ComputeFile(string path, CancellationToken cancellationToken = default)
    {
        using var stream = OpenLayer(path);
        return Compute(stream, path, cancellationToken);
    }

    /// <summary>The root hash of a layer read from <paramref name="layer"/>; <paramref name="displayName"/> names it in errors.</summary>
    public static string Compute(Stream layer, string displayName, CancellationToken cancellationToken = default)
    {
        var sink = new VerityLeafSink();
        ConvertChecked(layer, sink, displayName, cancellationToken);
        return Convert.ToHexString(RootOf(sink.LeafHashes)).ToLowerInvariant();
    }

    /// <summary>Writes the compact ext4 image of a layer to <paramref name="ext4Path"/> (for inspection with e2fsck/debugfs).</summary>
    public static void WriteExt4(string layerPath, string ext4Path, CancellationToken cancellationToken = default)
    {
        using var stream = OpenLayer(layerPath);
        Caching.AtomicFile.Write(ext4Path, temp =>
        {
            using var file = File.OpenHandle(temp, FileMode.CreateNew, FileAccess.ReadWrite);
            ConvertChecked(stream, new FileExt4Sink(file), layerPath, cancellationToken);
        });
    }

    /// <summary>The root of the hash tree over data whose block hashes are <paramref name="leafHashes"/>.</summary>
    internal static byte[] RootOf(ReadOnlySpan<byte> leafHashes)
    {
        byte[] level = PadToBlock(leafHashes);
        while (level.Length != BlockSize)
        {
            int blocks = level.Length / BlockSize;
            var next = new byte[blocks * HashSize];
            for (int i = 0; i < blocks; i++)
                VerityLeafSink.HashBlock(level.AsSpan(i * BlockSize, BlockSize)).CopyTo(next, i * HashSize);
            level = PadToBlock(next);
        }
        Span<byte> salted = stackalloc byte[HashSize + BlockSize];
        salted[..HashSize].Clear();
        level.CopyTo(salted[HashSize..]);
        return SHA256.HashData(salted);
    }

    private static byte[] PadToBlock(ReadOnlySpan<byte> level)
    {
        int padded = (level.Length + BlockSize - 1) / BlockSize * BlockSize;
        var result = new byte[Math.Max(padded, BlockSize)];
        level.CopyTo(result);
        return result;
    }

    private static FileStream OpenLayer(string path)
    {
        Config.InputFile.Require(path, "the layer");
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Diag.Error(nameof(Strings.FileOperationFailed), e.Message);
        }
    }

    /// <summary>The layer's tar stream: the stream itself, or its gzip decompression when it starts with the gzip magic.</summary>
    internal static Stream Decompressed(Stream layer)
    {
        var magic = new byte[2];
        int n = 0;
        while (n < magic.Length)
        {
            int r = layer.Read(magic, n, magic.Length - n);
            if (r == 0)
                break;
            n += r;
        }
        var whole = new PrefixedStream(magic.AsSpan(0, n).ToArray(), layer);
        return n == 2 && magic[0] == GzipMagic1 && magic[1] == GzipMagic2
            ? new GZipStream(whole, CompressionMode.Decompress)
            : whole;
    }

    private static void ConvertChecked(Stream layer, IExt4Sink sink, string displayName, CancellationToken cancellationToken)
    {
        try
        {
            using var tar = Decompressed(layer);
            var reader = Tar2Ext4.Convert(tar, sink, cancellationToken);
            if (reader.WasEmpty)
                throw Diag.Error(nameof(Strings.AciLayerNotTar), displayName, "it is empty");
            if (!reader.SawEndMarker)
                throw Diag.Error(nameof(Strings.AciLayerTruncated), displayName, "the archive ends without its end-of-archive blocks");
        }
        catch (TarFormatException e)
        {
            throw Diag.Error(e.Message.Contains("EOF", StringComparison.Ordinal) ? nameof(Strings.AciLayerTruncated) : nameof(Strings.AciLayerNotTar),
                displayName, e.Message);
        }
        catch (InvalidDataException e)
        {
            throw Diag.Error(nameof(Strings.AciLayerNotTar), displayName, "gzip: " + e.Message);
        }
        catch (Ext4FormatException e)
        {
            // Names inside the converter are bytes kept as Latin-1 chars; show them as the UTF-8 they usually are.
            throw Diag.Error(nameof(Strings.AciLayerNotConvertible), displayName,
                System.Text.Encoding.UTF8.GetString(System.Text.Encoding.Latin1.GetBytes(e.Message)));
        }
    }
}
