// Checks shared by the GPT writer and reader (UEFI 2.10 §5.3.3: partitions must not overlap and must lie within
// FirstUsableLBA..LastUsableLBA).
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Gpt;

internal static class GptValidation
{
    /// <summary>Throws CCIMG2106 naming the first two partitions whose LBA ranges overlap.</summary>
    public static void CheckOverlaps(IEnumerable<GptPartitionEntry> partitions)
    {
        GptPartitionEntry? previous = null;
        foreach (var p in partitions.OrderBy(p => p.StartingLBA).ThenBy(p => p.Index))
        {
            if (previous != null && p.StartingLBA <= previous.EndingLBA)
                throw Diag.Error(nameof(Strings.GptPartitionsOverlap), previous.Index + 1, previous.StartingLBA, previous.EndingLBA,
                    p.Index + 1, p.StartingLBA, p.EndingLBA);
            if (previous == null || p.EndingLBA > previous.EndingLBA)
                previous = p;
        }
    }
}
