// One extended attribute as compactext4 lays it out: a name index (the prefix it strips) and the rest of the name.
namespace CcImage.Core.CompactExt4;

internal sealed record Ext4Xattr(string Name, byte Index, byte[] Value)
{
    private const int NamePrefixTable = 0;

    // ext4 xattr name indexes, in the order compactext4 tries the prefixes.
    private static readonly (byte Index, string Prefix)[] Prefixes =
    [
        (2, "system.posix_acl_access"),
        (3, "system.posix_acl_default"),
        (8, "system.richacl"),
        (7, "system."),
        (1, "user."),
        (4, "trusted."),
        (6, "security."),
    ];

    public int EntryLength => ((Name.Length + 3) & ~3) + CompactExt4Layout.XattrEntryHeaderSize;

    public int ValueLength => (Value.Length + 3) & ~3;

    public static Ext4Xattr Compress(string fullName, byte[] value)
    {
        foreach (var (index, prefix) in Prefixes)
            if (fullName.StartsWith(prefix, StringComparison.Ordinal))
                return new Ext4Xattr(fullName[prefix.Length..], index, value);
        return new Ext4Xattr(fullName, NamePrefixTable, value);
    }

    public static string Decompress(byte index, string name)
    {
        foreach (var (i, prefix) in Prefixes)
            if (i == index)
                return prefix + name;
        return name;
    }
}
