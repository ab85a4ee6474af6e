// <obj>/filelist/<step>.txt: the files a step wrote, one per line. The SDK's Clean target deletes what these name, and
// manifest.json lists them.

namespace CcImage.Core.Pipeline;

public static class FileList
{
    public static void Write(PipelineContext context, string step, IEnumerable<string> files)
    {
        Directory.CreateDirectory(context.FileListDirectory);
        OutputFiles.WriteTextIfChanged(Path.Combine(context.FileListDirectory, step + ".txt"),
            string.Concat(files.Select(f => Path.GetFullPath(f) + "\n")));
    }

    /// <summary>Every file named by any step's list.</summary>
    public static IReadOnlyList<string> ReadAll(string fileListDirectory) =>
        Directory.Exists(fileListDirectory)
            ? Directory.GetFiles(fileListDirectory, "*.txt").Order(StringComparer.Ordinal)
                .SelectMany(File.ReadAllLines).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList()
            : [];
}
