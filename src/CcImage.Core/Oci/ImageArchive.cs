// An image archive on disk: a `docker save` tar in the legacy layout (manifest.json, <config>.json, <id>/layer.tar)
// or in the OCI image layout (oci-layout, index.json, blobs/sha256/…), possibly both at once as Docker 25+ writes
// it. The small files (manifests, configs, indexes) are read into memory in one pass; layers are streamed on demand.
// Spec: OCI image-layout spec (image-layout.md), OCI image manifest and index (manifest.md, image-index.md); Docker
// "Image tarball" format (moby image/spec, docker save).
using System.Formats.Tar;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Oci;

public sealed class ImageArchive
{
    private const long SmallFileLimit = 4L << 20;

    private readonly Dictionary<string, byte[]> _small = new(StringComparer.Ordinal);
    private readonly HashSet<string> _regularFiles = new(StringComparer.Ordinal);

    private ImageArchive(string path) => Path = path;

    public string Path { get; }

    /// <summary>Names of the regular files in the archive.</summary>
    public IReadOnlyCollection<string> RegularFiles => _regularFiles;

    public static ImageArchive Open(string path)
    {
        Config.InputFile.Require(path, "the image archive");
        var archive = new ImageArchive(path);
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new TarReader(stream);
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile))
                    continue;
                archive._regularFiles.Add(entry.Name);
                if (entry.Length <= SmallFileLimit && entry.DataStream is { } data)
                {
                    var buffer = new MemoryStream();
                    data.CopyTo(buffer);
                    archive._small[entry.Name] = buffer.ToArray();
                }
                else
                {
                    archive._small.Remove(entry.Name);
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Diag.Error(nameof(Strings.AciArchiveInvalid), path, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Diag.Error(nameof(Strings.FileOperationFailed), e.Message);
        }
        return archive;
    }

    /// <summary>The bytes of a small file (manifests, configs), or null when absent.</summary>
    public byte[]? Small(string name) => _small.GetValueOrDefault(name);

    public bool Contains(string name) => _regularFiles.Contains(name);

    /// <summary>Runs <paramref name="onEntry"/> on the data of each wanted regular file, in archive order (the last copy of a name wins).</summary>
    public void ReadEntries(IReadOnlySet<string> wanted, Action<string, Stream> onEntry)
    {
        try
        {
            var lastIndex = new Dictionary<string, int>(StringComparer.Ordinal);
            int index = 0;
            using (var stream = File.OpenRead(Path))
            using (var reader = new TarReader(stream))
            {
                while (reader.GetNextEntry() is { } entry)
                {
                    if (entry.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile && wanted.Contains(entry.Name))
                        lastIndex[entry.Name] = index;
                    index++;
                }
            }
            index = 0;
            using (var stream = File.OpenRead(Path))
            using (var reader = new TarReader(stream))
            {
                while (reader.GetNextEntry() is { } entry)
                {
                    if (lastIndex.TryGetValue(entry.Name, out int at) && at == index && entry.DataStream is { } data)
                        onEntry(entry.Name, data);
                    index++;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw Diag.Error(nameof(Strings.AciArchiveInvalid), Path, e.Message);
        }
    }
}
