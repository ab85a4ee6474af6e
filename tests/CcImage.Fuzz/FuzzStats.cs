// The counts of one target's run, printed as `tried / clean error / crash / hang`.
namespace CcImage.Fuzz;

internal sealed class FuzzStats(string target)
{
    /// <summary>Exit status when a crash or hang was found.</summary>
    public const int ExitFinding = 3;

    public string Target { get; } = target;
    public long Tried { get; set; }
    public long Accepted { get; set; }
    public long CleanErrors { get; set; }
    public long Crashes { get; set; }
    public long Hangs { get; set; }

    public string Line() =>
        $"{Target,-18} tried {Tried} / clean error {CleanErrors} / crash {Crashes} / hang {Hangs}   (accepted {Accepted})";
}
