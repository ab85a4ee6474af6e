// A pure-Python wheel made in the test (PEP 427, "Binary distribution format"; PEP 376/RECORD as pip checks it): a zip
// holding the package's files and <name>-<version>.dist-info/METADATA, WHEEL and RECORD, where RECORD lists every other
// member with its urlsafe-base64 SHA-256 (no padding) and size. Members are written in order with a fixed time stamp, so
// the same wheel always has the same bytes (its content is part of the stage cache's keys through CcPipFindLinks).
using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace CcImage.Tests.Nvflare;

internal static class FixtureWheel
{
    private static readonly DateTimeOffset MemberTime = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Writes <c>{name}-{version}-py3-none-any.whl</c> into <paramref name="folder"/> with <paramref name="files"/> (path in
    /// the wheel → text) and <paramref name="requires"/> as Requires-Dist lines; returns the wheel's path.
    /// </summary>
    /// <param name="metadataVersion">The Version: line of METADATA (defaults to <paramref name="version"/>).</param>
    public static string Write(string folder, string name, string version, IReadOnlyDictionary<string, string> files,
        IReadOnlyList<string>? requires = null, string? metadataVersion = null)
    {
        Directory.CreateDirectory(folder);
        string distribution = name.Replace('-', '_');
        string info = $"{distribution}-{version}.dist-info";
        var members = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (path, text) in files)
            members[path] = text;
        var metadata = new StringBuilder($"Metadata-Version: 2.1\nName: {name}\nVersion: {metadataVersion ?? version}\n");
        foreach (string requirement in requires ?? [])
            metadata.Append(CultureInfo.InvariantCulture, $"Requires-Dist: {requirement}\n");
        members[$"{info}/METADATA"] = metadata.ToString();
        members[$"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: ccimage-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n";
        var record = new StringBuilder();
        foreach (var (path, text) in members)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            string hash = Convert.ToBase64String(SHA256.HashData(bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
            record.Append(CultureInfo.InvariantCulture, $"{path},sha256={hash},{bytes.Length}\n");
        }
        record.Append(CultureInfo.InvariantCulture, $"{info}/RECORD,,\n");
        members[$"{info}/RECORD"] = record.ToString();

        string wheel = Path.Combine(folder, $"{distribution}-{version}-py3-none-any.whl");
        string temporary = wheel + ".tmp";
        using (var zip = ZipFile.Open(temporary, ZipArchiveMode.Create))
        {
            foreach (var (path, text) in members)
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
                entry.LastWriteTime = MemberTime;
                using var stream = entry.Open();
                stream.Write(Encoding.UTF8.GetBytes(text));
            }
        }
        File.Move(temporary, wheel, overwrite: true);
        return wheel;
    }
}
