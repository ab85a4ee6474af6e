// NVFlare's folders under CcNvflareHome by the site's role (the stage-2 guide's layout), with the owners and modes a
// service account needs and nothing looser: on the config partition (read-only) startup/ and site_conf/, and for
// servers job_store_key/, readable by the service's group only; on the dynamic partition (encrypted, formatted at every
// boot, this content copied in) workspace/ and logs/, and for servers job_store/, the service account's own. The home
// itself and the partitions' mount points stay root's. Applied as the stage tree's overlay when an image is assembled,
// so one cached tree serves every role.
using CcImage.Core.Pipeline;

namespace CcImage.Core.Nvflare;

public static class NvflareHomeLayout
{
    /// <summary>0750: the service account (or root) writes, the group reads.</summary>
    public const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;

    /// <summary>0755: the home and the mount points.</summary>
    public const UnixFileMode Public = Private | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public const string ConfigFolder = "config";
    public const string DynamicFolder = "dynamic";
    public const string DataFolder = "data";
    public const string WorkspaceFolder = DynamicFolder + "/workspace";

    /// <summary>The folders of <paramref name="role"/> (server, client or all) under <paramref name="home"/>.</summary>
    public static IReadOnlyList<OverlayDirectory> For(string role, string home, ServiceAccount account)
    {
        bool server = role is "server" or "all", client = role is "client" or "all";
        string h = home.TrimEnd('/');
        var dirs = new List<OverlayDirectory>
        {
            new(h, Public, "root", "root"),
            new($"{h}/{ConfigFolder}", Public, "root", "root"),
            new($"{h}/{ConfigFolder}/startup", Private, "root", account.Group),
            new($"{h}/{ConfigFolder}/site_conf", Private, "root", account.Group),
        };
        if (server)
            dirs.Add(new($"{h}/{ConfigFolder}/job_store_key", Private, "root", account.Group));
        dirs.Add(new($"{h}/{DynamicFolder}", Public, "root", "root"));
        dirs.Add(new($"{h}/{WorkspaceFolder}", Private, account.User, account.Group));
        dirs.Add(new($"{h}/{DynamicFolder}/logs", Private, account.User, account.Group));
        if (server)
            dirs.Add(new($"{h}/{DynamicFolder}/job_store", Private, account.User, account.Group));
        if (client)
            dirs.Add(new($"{h}/{DataFolder}", Public, "root", "root"));
        return dirs;
    }
}
