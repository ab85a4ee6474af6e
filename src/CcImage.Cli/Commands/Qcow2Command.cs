// `ccimage qcow2`: convert a raw disk to qcow2, grow a qcow2 image's virtual size, and print an image's summary as JSON.
using System.CommandLine;
using System.Text.Json;
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Disk;
using CcImage.Core.Qcow2;

namespace CcImage.Cli.Commands;

internal static class Qcow2Command
{
    public static Command Create()
    {
        var command = new Command("qcow2", "Convert, resize and inspect qcow2 images.");
        command.Subcommands.Add(CreateConvert());
        command.Subcommands.Add(CreateResize());
        command.Subcommands.Add(CreateInfo());
        return command;
    }

    private static Command CreateConvert()
    {
        var raw = new Argument<string>("RAW") { Description = "The disk image to read: raw (holes are skipped) or qcow2." };
        var output = new Argument<string>("OUT") { Description = "The qcow2 image to write (replaced atomically; its folder must exist)." };
        var sourceFormat = new Option<string>("--source-format", "-f")
        {
            Description = "The format of RAW: auto (default: qcow2 when it starts with the qcow2 magic, else raw), raw or qcow2.",
            DefaultValueFactory = _ => "auto",
        };
        sourceFormat.AcceptOnlyFromAmong("auto", "raw", "qcow2");
        var clusterSize = new Option<string>("--cluster-size")
        {
            Description = "Cluster size: a power of two from 512 to 2M (default 64K).",
            DefaultValueFactory = _ => Qcow2Format.DefaultClusterSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var command = new Command("convert", "Convert a disk image (raw or qcow2) to qcow2 (version 3); all-zero clusters are not stored.")
        {
            raw, output, clusterSize, sourceFormat,
        };
        command.SetAction(CliErrors.Action((result, cancellationToken) =>
        {
            // Ctrl+C / SIGTERM cancel the token; the writer then deletes its temp file before we exit (130).
            string input = InputFile.Require(result.GetValue(raw)!, "RAW");
            string outputPath = result.GetValue(output)!;
            AtomicFile.CheckDestination(outputPath, "OUT", createFolder: false);
            AtomicFile.RefuseSameFile(input, outputPath, "RAW", "OUT");
            long size = SizeParser.Parse(result.GetValue(clusterSize)!, "--cluster-size");
            Qcow2Writer.ValidateClusterSize(size);
            string format = result.GetValue(sourceFormat)!;
            bool qcow2 = format == "qcow2" || (format == "auto" && Qcow2Image.HasMagic(input));
            using IDiskSource source = qcow2 ? Qcow2Image.Open(input, what: "RAW") : new RawFileSource(input);
            Qcow2Writer.ValidateVirtualSize(source.Length, (int)size, "RAW");
            new Qcow2Writer((int)size).Convert(source, outputPath, cancellationToken);
            return 0;
        }));
        return command;
    }

    private static Command CreateResize()
    {
        var image = new Argument<string>("IMG") { Description = "The qcow2 image to grow in place." };
        var size = new Argument<string>("SIZE") { Description = "The new virtual size (20G, bytes) or growth (+5G)." };
        var growGpt = new Option<bool>("--grow-gpt")
        {
            Description = "Also move the backup GPT to the new end of the disk and extend the last partition.",
        };
        var command = new Command("resize", "Grow a qcow2 image's virtual size (shrinking is refused).") { image, size, growGpt };
        command.SetAction(CliErrors.Action((result, cancellationToken) =>
        {
            ImageResizer.GrowQcow2(result.GetValue(image)!, result.GetValue(size)!, result.GetValue(growGpt), new StderrLog(verbose: false),
                "SIZE", cancellationToken);
            return 0;
        }));
        return command;
    }

    private static Command CreateInfo()
    {
        var image = new Argument<string>("IMG") { Description = "The qcow2 image to inspect." };
        var command = new Command("info", "Print a qcow2 image's summary as JSON.") { image };
        command.SetAction(CliErrors.Action((result, cancellationToken) =>
        {
            var info = Qcow2Image.Inspect(result.GetValue(image)!, "IMG");
            using var stdout = Console.OpenStandardOutput();
            using (var json = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true }))
            {
                json.WriteStartObject();
                json.WriteString("format", "qcow2");
                json.WriteNumber("virtual-size", info.VirtualSize);
                json.WriteNumber("cluster-size", info.ClusterSize);
                json.WriteNumber("allocated-clusters", info.AllocatedClusters);
                json.WriteNumber("compressed-clusters", info.CompressedClusters);
                json.WriteNumber("file-size", info.FileSize);
                json.WriteNumber("format-version", info.FormatVersion);
                json.WriteNumber("refcount-bits", info.RefcountBits);
                json.WriteNumber("l1-size", info.L1Size);
                json.WriteNumber("snapshots", info.Snapshots);
                json.WriteEndObject();
            }
            stdout.WriteByte((byte)'\n');
            return 0;
        }));
        return command;
    }
}
