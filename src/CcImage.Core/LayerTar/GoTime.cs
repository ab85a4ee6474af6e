// A point in time kept as Go's time.Time keeps it (seconds and normalised nanoseconds), because hcsshim's tar2ext4
// derives inode times from Go times and their quirks (the zero time, nanosecond carry) change the bytes written.
namespace CcImage.Core.LayerTar;

public readonly record struct GoTime(long Seconds, long Nanoseconds)
{
    /// <summary>Unix seconds of Go's zero time (January 1, year 1, UTC), which Go treats as "no time".</summary>
    private const long ZeroTimeUnixSeconds = -62135596800;

    private const long NanosecondsPerSecond = 1_000_000_000;

    /// <summary>Go's zero <c>time.Time</c>.</summary>
    public static GoTime Zero => new(ZeroTimeUnixSeconds, 0);

    public bool IsZero => Seconds == ZeroTimeUnixSeconds && Nanoseconds == 0;

    /// <summary>Go's <c>time.Unix(sec, nsec)</c>: nanoseconds outside [0, 1e9) carry into the seconds.</summary>
    public static GoTime Unix(long seconds, long nanoseconds)
    {
        if (nanoseconds < 0 || nanoseconds >= NanosecondsPerSecond)
        {
            long carry = nanoseconds / NanosecondsPerSecond;
            seconds += carry;
            nanoseconds -= carry * NanosecondsPerSecond;
            if (nanoseconds < 0)
            {
                nanoseconds += NanosecondsPerSecond;
                seconds--;
            }
        }
        return new GoTime(seconds, nanoseconds);
    }
}
