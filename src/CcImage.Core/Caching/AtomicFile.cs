// Writes a file so that its final path only ever holds a complete file: write to a temp path beside it, then rename.
namespace CcImage.Core.Caching;

public static class AtomicFile
{
    /// <summary>A unique temp path in the same folder as <paramref name="destination"/> (same file system, so rename is atomic).</summary>
    public static string TempPathFor(string destination)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(destination))!;
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, "." + Path.GetFileName(destination) + ".tmp-" + Guid.NewGuid().ToString("N")[..12]);
    }

    /// <summary>Runs <paramref name="write"/> on a temp path and moves the result to <paramref name="destination"/>; on any failure (or cancellation) the temp is deleted.</summary>
    public static void Write(string destination, Action<string> write) =>
        Write(destination, temp => { write(temp); return true; });

    /// <summary>As <see cref="Write(string, Action{string})"/>, returning what <paramref name="write"/> returns.</summary>
    public static T Write<T>(string destination, Func<string, T> write)
    {
        string temp = TempPathFor(destination);
        try
        {
            T result = write(temp);
            File.Move(temp, Path.GetFullPath(destination), overwrite: true);
            return result;
        }
        finally
        {
            TryDelete(temp);
        }
    }

    public static void WriteAllText(string destination, string text) =>
        Write(destination, temp => File.WriteAllText(temp, text));

    public static void WriteAllBytes(string destination, byte[] bytes) =>
        Write(destination, temp => File.WriteAllBytes(temp, bytes));

    public static void TryDelete(string path)
    {
        try { if (File.Exists(path)) File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
