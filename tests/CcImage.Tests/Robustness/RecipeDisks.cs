// Builds the disks of issue 12's recipes with the reference tools: a GPT made by sgdisk, made hybrid by `sgdisk -h`,
// with one field or name patched (CRCs fixed up so only the intended fault remains), put into qcow2 by qemu-img
// (compressed, compat 0.10, lazy refcounts, any cluster size), and read back as raw for sgdisk/fdisk to judge.
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Security.Cryptography;
using CcImage.Core.Tools;
using CcImage.Tests.Gpt;

namespace CcImage.Tests.Robustness;

internal static class RecipeDisks
{
    public const int Sector = 512;

    /// <summary>A 64 MiB raw disk with two partitions (20 MiB, then the rest) written by sgdisk.</summary>
    public static string SgdiskDisk(string dir, string name = "gpt.raw", long bytes = 64L << 20)
    {
        string raw = Path.Combine(dir, name);
        using (var f = new FileStream(raw, FileMode.Create))
            f.SetLength(bytes);
        GptTestDisk.Runner.Run(HostTool.Sgdisk, ["-n", "1:2048:+20M", "-c", "1:first", "-n", "2:0:0", "-c", "2:second", raw]);
        // Some bytes inside each partition, so the qcow2 has data clusters besides the GPT.
        using (var f = new FileStream(raw, FileMode.Open))
        {
            f.Position = 2048 * Sector;
            f.Write(RandomNumberGenerator.GetBytes(70000));
            f.Position = 43008L * Sector + 4096;
            f.Write(RandomNumberGenerator.GetBytes(5000));
        }
        return raw;
    }

    /// <summary>qemu-img convert to qcow2 with extra options (e.g. "-c", "-o", "compat=0.10").</summary>
    public static string ToQcow2(string raw, string qcow2, params string[] options)
    {
        QemuImg.Must(["convert", "-O", "qcow2", .. options, raw, qcow2]);
        return qcow2;
    }

    /// <summary>The qcow2 image read back as a raw file by qemu-img.</summary>
    public static string ToRaw(string qcow2, string raw)
    {
        QemuImg.Must("convert", "-O", "raw", qcow2, raw);
        return raw;
    }

    public static byte[] Sha256(string path) => SHA256.HashData(File.ReadAllBytes(path));

    /// <summary>Changes the primary header (LBA 1) and recomputes its CRC, so the header is valid but says something else.</summary>
    public static void PatchPrimaryHeader(string raw, Action<Span<byte>> change)
    {
        using var f = new FileStream(raw, FileMode.Open, FileAccess.ReadWrite);
        var block = new byte[Sector];
        f.Position = Sector;
        f.ReadExactly(block);
        change(block);
        FixHeaderCrc(block);
        f.Position = Sector;
        f.Write(block);
    }

    /// <summary>Changes both entry arrays the same way and recomputes the array and header CRCs of both copies.</summary>
    public static void PatchEntries(string raw, Action<Span<byte>> change)
    {
        using var f = new FileStream(raw, FileMode.Open, FileAccess.ReadWrite);
        long lastLba = f.Length / Sector - 1;
        foreach (long headerLba in new[] { 1L, lastLba })
        {
            var header = new byte[Sector];
            f.Position = headerLba * Sector;
            f.ReadExactly(header);
            long entryLba = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(72));
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(80));
            int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(84));
            var entries = new byte[count * size];
            f.Position = entryLba * Sector;
            f.ReadExactly(entries);
            change(entries);
            f.Position = entryLba * Sector;
            f.Write(entries);
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(88), Crc32.HashToUInt32(entries));
            FixHeaderCrc(header);
            f.Position = headerLba * Sector;
            f.Write(header);
        }
    }

    private static void FixHeaderCrc(Span<byte> header)
    {
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], Crc32.HashToUInt32(header[..size]));
    }

    /// <summary>Runs `ccimage` and returns its result; asserts it printed no stack trace.</summary>
    public static ProcessResult Cli(params string[] args)
    {
        var r = CcImageCli.Run(args);
        AssertNoStackTrace(r);
        return r;
    }

    public static void AssertNoStackTrace(ProcessResult r)
    {
        Assert.DoesNotContain("   at ", r.StandardError, r.StandardError);
        Assert.DoesNotContain("Unhandled exception", r.StandardError, r.StandardError);
    }

    /// <summary>Asserts exit 1 and one stderr line starting with ccimage: CODE.</summary>
    public static void AssertFailsWith(ProcessResult r, string code)
    {
        Assert.AreEqual(1, r.ExitCode, r.Output);
        string[] lines = r.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.HasCount(1, lines, r.StandardError);
        StringAssert.StartsWith(lines[0], "ccimage: " + code + ":", r.StandardError);
    }
}
