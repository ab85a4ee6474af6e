// The layout file the initramfs init reads (/etc/ccimage/layout): plain text a POSIX shell splits with `read`, one
// record per line, fields separated by one space, "-" for an empty field:
//   version 1
//   init <path>
//   verity-check full|on-read
//   partition <name> <label> <protection> <mount point> <ro|rw> <hash partition label> <hash offset> <mount options>
// Partitions are written in mount order (BootLayout.MountOrder), so the init mounts parents before children.
using System.Globalization;
using System.Text;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

public static class BootLayoutFile
{
    /// <summary>Where the layout file sits in the initramfs.</summary>
    public const string ArchivePath = "etc/ccimage/layout";

    public const int FormatVersion = 1;

    private const string Empty = "-";
    private const string Header = "# CcImage boot layout, read by the initramfs init (docs/boot-chain.md)";
    private const int PartitionFields = 9;

    /// <summary>The names of <see cref="VerityCheck"/> values in the file.</summary>
    public static IReadOnlyDictionary<VerityCheck, string> VerityCheckNames { get; } = new Dictionary<VerityCheck, string>
    {
        [VerityCheck.Full] = "full",
        [VerityCheck.OnRead] = "on-read",
    };

    /// <summary>The file's text for <paramref name="layout"/> (validated first).</summary>
    public static string Write(BootLayout layout)
    {
        layout.Validate();
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        text.Append(CultureInfo.InvariantCulture, $"version {FormatVersion}\n");
        text.Append(CultureInfo.InvariantCulture, $"init {layout.Init}\n");
        text.Append(CultureInfo.InvariantCulture, $"verity-check {VerityCheckNames[layout.VerityCheck]}\n");
        foreach (var p in layout.MountOrder)
        {
            text.AppendJoin(' ',
                "partition", p.Name, p.PartitionLabel, PartitionProtectionNames.Format(p.Protection), p.MountPoint,
                p.MountsReadOnly ? "ro" : "rw",
                p.HashPartitionLabel ?? Empty,
                p.HashOffset?.ToString(CultureInfo.InvariantCulture) ?? Empty,
                string.IsNullOrEmpty(p.MountOptions) ? Empty : p.MountOptions);
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Reads a layout file's text; CCIMG5117 names the line of a malformed record, and the result is validated.</summary>
    public static BootLayout Parse(string text, string source)
    {
        var partitions = new List<BootPartition>();
        string init = BootLayout.DefaultInit;
        var verityCheck = VerityCheck.Full;
        bool sawVersion = false;
        string[] lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            CcImageException Bad(string why) => Diag.At(source, i + 1, nameof(Strings.BootLayoutLineInvalid), source, i + 1, why);
            switch (fields[0])
            {
                case "version":
                    if (fields.Length != 2 || fields[1] != FormatVersion.ToString(CultureInfo.InvariantCulture))
                        throw Bad($"this build reads layout version {FormatVersion}");
                    sawVersion = true;
                    break;
                case "init":
                    if (fields.Length != 2)
                        throw Bad("'init' takes one path");
                    init = fields[1];
                    break;
                case "verity-check":
                    if (fields.Length != 2 || !VerityCheckNames.Values.Contains(fields[1]))
                        throw Bad($"'verity-check' is one of: {string.Join(", ", VerityCheckNames.Values)}");
                    verityCheck = VerityCheckNames.Single(n => n.Value == fields[1]).Key;
                    break;
                case "partition":
                    if (fields.Length != PartitionFields)
                        throw Bad($"a partition record has {PartitionFields} fields: partition NAME LABEL PROTECTION MOUNTPOINT ro|rw HASHLABEL HASHOFFSET OPTIONS");
                    partitions.Add(ParsePartition(fields, Bad));
                    break;
                default:
                    throw Bad($"unknown record '{fields[0]}'");
            }
        }
        if (!sawVersion)
            throw Diag.Error(nameof(Strings.BootLayoutLineInvalid), source, 1, "the 'version' record is missing");
        return new BootLayout(partitions) { Init = init, VerityCheck = verityCheck }.Validate();
    }

    private static BootPartition ParsePartition(string[] f, Func<string, CcImageException> bad)
    {
        string? Optional(string v) => v == Empty ? null : v;
        bool readOnly = f[5] switch
        {
            "ro" => true,
            "rw" => false,
            _ => throw bad($"the mount mode is '{f[5]}', not ro or rw"),
        };
        long? offset = null;
        if (Optional(f[7]) is { } o)
            offset = long.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out long value) ? value
                : throw bad($"the hash offset '{o}' is not a number of bytes");
        return new BootPartition(f[1], f[2], PartitionProtectionNames.Parse(f[3], f[1]), f[4])
        {
            ReadOnly = readOnly,
            HashPartitionLabel = Optional(f[6]),
            HashOffset = offset,
            MountOptions = Optional(f[8]),
        };
    }
}
