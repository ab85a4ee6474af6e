// Puts a finished file into the output folder the way every step does: through a temp file and a rename, and not at
// all when the destination already holds the same bytes (its time stays, so later up-to-date checks see no change).
using CcImage.Core.Caching;
using CcImage.Core.Hashing;

namespace CcImage.Core.Pipeline;

public static class OutputFiles
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/> unless they are already equal.</summary>
    public static void CopyIfChanged(string source, string destination)
    {
        if (SameContent(source, destination))
            return;
        AtomicFile.Write(destination, temp => File.Copy(source, temp));
    }

    /// <summary>Writes <paramref name="text"/> unless the file already holds it.</summary>
    public static void WriteTextIfChanged(string destination, string text)
    {
        if (File.Exists(destination) && File.ReadAllText(destination) == text)
            return;
        AtomicFile.WriteAllText(destination, text);
    }

    private static bool SameContent(string a, string b) =>
        File.Exists(b) && new FileInfo(a).Length == new FileInfo(b).Length
                       && FileHash.Sha256(a).AsSpan().SequenceEqual(FileHash.Sha256(b));
}
