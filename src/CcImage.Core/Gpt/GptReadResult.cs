// What GptReader found: the table, the header it came from, and whether the primary copy was damaged.
namespace CcImage.Core.Gpt;

/// <param name="Table">The partition table as its header describes it (DiskSectors = AlternateLBA + 1 of the primary).</param>
/// <param name="Header">The header the table was read from.</param>
/// <param name="FromBackup">True when the primary header or entry array was damaged and the backup was used.</param>
/// <param name="PrimaryError">Why the primary copy was rejected, when <paramref name="FromBackup"/>.</param>
public sealed record GptReadResult(GptTable Table, GptHeader Header, bool FromBackup, string? PrimaryError);
