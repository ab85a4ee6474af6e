// One complete entry of the stage cache: a read-only folder of files made from the inputs its manifest names.
namespace CcImage.Core.Caching;

public sealed record CacheEntry(string Kind, string Key, string Directory, bool Hit)
{
    /// <summary>The path of <paramref name="name"/> inside the entry.</summary>
    public string PathOf(string name) => Path.Combine(Directory, name);
}
