// The users and groups of an extracted root tree, read from its own /etc/passwd and /etc/group (passwd(5), group(5)),
// never from the build machine's: owner names in a stage's files resolve to the numbers the image will use.
using System.Globalization;

namespace CcImage.Core.RootFs;

public sealed class TreeAccounts
{
    private readonly Dictionary<string, int> _users;
    private readonly Dictionary<string, int> _groups;

    private TreeAccounts(Dictionary<string, int> users, Dictionary<string, int> groups)
    {
        _users = users;
        _groups = groups;
    }

    /// <summary>Reads <c>etc/passwd</c> and <c>etc/group</c> of the tree at <paramref name="root"/> (missing files: no accounts).</summary>
    public static TreeAccounts Read(string root) =>
        new(Parse(Path.Combine(root, "etc", "passwd")), Parse(Path.Combine(root, "etc", "group")));

    /// <summary>The user id of <paramref name="name"/> (a number is taken as it is), or null.</summary>
    public int? UserId(string name) => Lookup(_users, name);

    /// <summary>The group id of <paramref name="name"/> (a number is taken as it is), or null.</summary>
    public int? GroupId(string name) => Lookup(_groups, name);

    private static int? Lookup(Dictionary<string, int> table, string name) =>
        int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out int id) ? id
        : table.TryGetValue(name, out int found) ? found : null;

    // name:password:id:... — the third field is the numeric id in both files.
    private static Dictionary<string, int> Parse(string file)
    {
        var table = new Dictionary<string, int>(StringComparer.Ordinal);
        if (!File.Exists(file))
            return table;
        foreach (string line in File.ReadLines(file))
        {
            var fields = line.Split(':');
            if (fields.Length >= 3 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out int id))
                table.TryAdd(fields[0], id);
        }
        return table;
    }
}
