// An exclusive advisory lock on a lock file, shared by the stage cache (one builder per entry) and the Debian package
// fetcher (one apt run per private apt folder). On Unix, FileShare.None takes an flock that the kernel drops when the
// process dies, so a killed build never leaves a lock behind.
namespace CcImage.Core.Caching;

public static class FileLock
{
    /// <summary>How often a waiting build tries the lock again.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>The lock on <paramref name="path"/> (created if missing), or null while another process holds it.</summary>
    public static FileStream? TryAcquire(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The lock on <paramref name="path"/>, waiting for it; <paramref name="waiting"/> runs once, when the first
    /// try finds it held (to say what the build waits for).</summary>
    public static FileStream Acquire(string path, Action waiting, CancellationToken cancellationToken)
    {
        bool told = false;
        while (true)
        {
            if (TryAcquire(path) is { } held)
                return held;
            if (!told)
            {
                waiting();
                told = true;
            }
            cancellationToken.WaitHandle.WaitOne(PollInterval);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
