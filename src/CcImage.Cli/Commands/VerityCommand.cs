// `ccimage verity format DATA HASH` and `ccimage verity verify DATA HASH [ROOTHASH]`: dm-verity hash devices with the
// options and output of `veritysetup format|verify`, over CcImage.Core.Verity.
using CcImage.Core.Caching;
using System.CommandLine;
using System.Globalization;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Verity;

namespace CcImage.Cli.Commands;

internal static class VerityCommand
{
    /// <summary>The kernel cannot activate a device whose data blocks exceed the page size (veritysetup warns too).</summary>
    private const int PageSize = 4096;

    public static Command Create()
    {
        var command = new Command("verity", "dm-verity hash devices, byte-identical to veritysetup.");
        command.Subcommands.Add(CreateFormat());
        command.Subcommands.Add(CreateVerify());
        return command;
    }

    private sealed class CommonOptions
    {
        public Option<string?> Hash { get; } = new("--hash") { Description = "Hash algorithm: sha256 (default), sha1, sha384, sha512." };
        public Option<string?> DataBlockSize { get; } = new("--data-block-size") { Description = "Data block size in bytes (default 4096)." };
        public Option<string?> HashBlockSize { get; } = new("--hash-block-size") { Description = "Hash block size in bytes (default 4096)." };
        public Option<string?> DataBlocks { get; } = new("--data-blocks") { Description = "Number of data blocks (default: the whole data device)." };
        public Option<string?> HashOffset { get; } = new("--hash-offset") { Description = "Byte offset of the hash area in HASH (multiple of 512)." };
        public Option<string?> Salt { get; } = new("--salt") { Description = "Salt as hex, or '-' for none (format default: 32 random bytes)." };
        public Option<string?> Format { get; } = new("--format") { Description = "Format (hash type): 1 (default) or 0 (Chrome OS)." };
        public Option<bool> NoSuperblock { get; } = new("--no-superblock") { Description = "Do not write (format) or read (verify) a superblock." };
        public Option<string?> RootHashFile { get; } = new("--root-hash-file") { Description = "File to write (format) or read (verify) the hex root hash." };

        public void AddTo(Command command)
        {
            foreach (var option in new Option[] { Hash, DataBlockSize, HashBlockSize, DataBlocks, HashOffset, Salt, Format, NoSuperblock, RootHashFile })
                command.Options.Add(option);
        }

        public long ReadHashOffset(ParseResult r) => ParseNumber(r.GetValue(HashOffset), 0, nameof(Strings.VerityBadHashOffset));

        /// <summary>The parameters given on the command line (salt and uuid as given, or null).</summary>
        public VerityParameters Read(ParseResult r, byte[] salt, string? uuid) => new()
        {
            HashName = VerityHashAlgorithm.Parse(r.GetValue(Hash) ?? VerityHashAlgorithm.Sha256.Name).Name,
            DataBlockSize = (int)ParseNumber(r.GetValue(DataBlockSize), VerityParameters.DefaultBlockSize, nameof(Strings.VerityBadBlockSize), "--data-block-size"),
            HashBlockSize = (int)ParseNumber(r.GetValue(HashBlockSize), VerityParameters.DefaultBlockSize, nameof(Strings.VerityBadBlockSize), "--hash-block-size"),
            DataBlocks = ParseNumber(r.GetValue(DataBlocks), 0, nameof(Strings.VerityBadDataBlocks)),
            HashOffset = ReadHashOffset(r),
            HashType = (int)ParseNumber(r.GetValue(Format), VerityParameters.HashTypeNormal, nameof(Strings.VerityBadFormat)),
            NoSuperblock = r.GetValue(NoSuperblock),
            Salt = salt,
            Uuid = uuid,
        };
    }

    private static Command CreateFormat()
    {
        var common = new CommonOptions();
        var data = new Argument<string>("DATA") { Description = "The data device (file) to protect." };
        var hash = new Argument<string>("HASH") { Description = "The hash device (file); may be DATA with --hash-offset." };
        var uuid = new Option<string?>("--uuid") { Description = "Superblock UUID (default: random, as veritysetup)." };
        var seed = new Option<string?>("--salt-seed") { Description = "Derive the salt and UUID from this seed (reproducible; see docs/verity.md)." };
        var command = new Command("format", "Build the hash tree of DATA into HASH and print the root hash (as veritysetup format).")
        {
            data, hash, uuid, seed,
        };
        common.AddTo(command);
        command.SetAction(CliErrors.Action((r, cancellationToken) =>
        {
            string? seedText = r.GetValue(seed);
            string? saltText = r.GetValue(common.Salt);
            byte[] salt = saltText != null ? VeritySalt.Parse(saltText)
                : seedText != null ? VeritySeed.DeriveSalt(seedText) : VeritySeed.RandomSalt();
            string? uuidText = r.GetValue(uuid)
                ?? (seedText != null ? VeritySeed.DeriveUuid(seedText) : VeritySeed.RandomUuid());
            var parameters = common.Read(r, salt, uuidText);
            parameters.Validate();
            if (parameters.DataBlockSize > PageSize)
                Console.Error.WriteLine($"WARNING: Kernel cannot activate device if data block size exceeds page size ({PageSize}).");

            // Every output is checked before the first write, so a bad --root-hash-file leaves no hash file behind.
            string dataPath = InputFile.RequireFileOrBlockDevice(r.GetValue(data)!, "DATA");
            string hashPath = r.GetValue(hash)!;
            string? rootHashFile = r.GetValue(common.RootHashFile);
            if (!VerityFormatter.IsInPlace(dataPath, hashPath) && !VerityFormatter.IsDevice(hashPath))
                AtomicFile.CheckDestination(hashPath, "HASH", createFolder: false);
            if (rootHashFile != null)
            {
                AtomicFile.CheckDestination(rootHashFile, "--root-hash-file", createFolder: false);
                AtomicFile.RefuseSameFile(dataPath, rootHashFile, "DATA", "--root-hash-file");
                AtomicFile.RefuseSameFile(hashPath, rootHashFile, "HASH", "--root-hash-file");
            }
            var result = VerityFormatter.Format(dataPath, hashPath, parameters, cancellationToken: cancellationToken);
            if (rootHashFile != null)
                WriteRootHashFile(rootHashFile, result.RootHashHex);
            PrintHeader(r.GetValue(hash)!, result);
            return 0;
        }));
        return command;
    }

    private static Command CreateVerify()
    {
        var common = new CommonOptions();
        var data = new Argument<string>("DATA") { Description = "The data device (file)." };
        var hash = new Argument<string>("HASH") { Description = "The hash device (file); may be DATA with --hash-offset." };
        var rootHash = new Argument<string?>("ROOTHASH") { Description = "The hex root hash (or give --root-hash-file).", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("verify", "Check DATA against HASH and the root hash; names the first block that does not match.")
        {
            data, hash, rootHash,
        };
        common.AddTo(command);
        command.SetAction(CliErrors.Action((r, cancellationToken) =>
        {
            VerityParameters parameters;
            if (r.GetValue(common.NoSuperblock))
            {
                string saltText = r.GetValue(common.Salt) ?? throw Diag.Error(nameof(Strings.VeritySaltRequired));
                parameters = common.Read(r, VeritySalt.Parse(saltText), uuid: null);
            }
            else
            {
                parameters = VerityVerifier.ReadSuperblock(r.GetValue(hash)!, common.ReadHashOffset(r));
            }
            string rootText = r.GetValue(rootHash) ?? ReadRootHashFile(r.GetValue(common.RootHashFile), parameters.Algorithm);
            byte[] root = VerityVerifier.ParseRootHash(rootText, parameters.Algorithm);
            var result = VerityVerifier.Verify(r.GetValue(data)!, r.GetValue(hash)!, parameters, root, cancellationToken: cancellationToken);
            if (result.Corruption is { } bad)
            {
                throw bad.InData
                    ? Diag.Error(nameof(Strings.VerityDataBlockCorrupted), bad)
                    : Diag.Error(nameof(Strings.VerityHashBlockCorrupted), bad,
                        bad.Level == result.Layout.Levels - 1 ? "the root hash" : "the digest stored for it in the level above");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The header veritysetup 2.6 prints after `format` (same labels, tabs and order).</summary>
    private static void PrintHeader(string hashPath, VerityFormatResult result)
    {
        var p = result.Parameters;
        var o = Console.Out;
        o.WriteLine($"VERITY header information for {hashPath}");
        o.WriteLine($"UUID:            \t{result.Uuid ?? ""}");
        o.WriteLine($"Hash type:       \t{p.HashType}");
        o.WriteLine($"Data blocks:     \t{result.DataBlocks}");
        o.WriteLine($"Data block size: \t{p.DataBlockSize}");
        o.WriteLine($"Hash blocks:     \t{result.HashBlocks}");
        o.WriteLine($"Hash block size: \t{p.HashBlockSize}");
        o.WriteLine($"Hash algorithm:  \t{p.HashName}");
        o.WriteLine($"Salt:            \t{result.SaltHex}");
        o.WriteLine($"Root hash:      \t{result.RootHashHex}");
        if (p.HashOffset == 0)
            o.WriteLine($"Hash device size: \t{result.Layout.HashDeviceSize} [bytes]");
    }

    private static void WriteRootHashFile(string path, string hex) => AtomicFile.WriteAllText(path, hex);

    private static string ReadRootHashFile(string? path, VerityHashAlgorithm algorithm)
    {
        if (path is null)
            throw Diag.Error(nameof(Strings.VerityRootHashFileInvalid), "(none: give ROOTHASH or --root-hash-file)");
        InputFile.Require(path, "--root-hash-file", InputFile.MaxTextBytes);
        string text = File.ReadAllText(path);
        int length = algorithm.DigestSize * 2;
        return text.Length >= length ? text[..length] : throw Diag.Error(nameof(Strings.VerityRootHashFileInvalid), path);
    }

    private static long ParseNumber(string? text, long defaultValue, string errorName, string? what = null)
    {
        if (text is null)
            return defaultValue;
        bool ok = long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value);
        if (!ok || (what != null && value > int.MaxValue))
            throw what is null ? Diag.Error(errorName, text) : Diag.Error(errorName, text, what);
        return value;
    }
}
