// Go's path.Clean, path.Split and path.Join for slash-separated names, which decide where tar2ext4 puts an entry.
using System.Text;

namespace CcImage.Core.CompactExt4;

internal static class GoPath
{
    public static string Clean(string path)
    {
        if (path.Length == 0)
            return ".";
        bool rooted = path[0] == '/';
        int n = path.Length;
        var output = new StringBuilder(n);
        int r = 0, dotdot = 0;
        if (rooted)
        {
            output.Append('/');
            r = 1;
            dotdot = 1;
        }
        while (r < n)
        {
            if (path[r] == '/')
            {
                r++;
            }
            else if (path[r] == '.' && (r + 1 == n || path[r + 1] == '/'))
            {
                r++;
            }
            else if (path[r] == '.' && path[r + 1] == '.' && (r + 2 == n || path[r + 2] == '/'))
            {
                r += 2;
                if (output.Length > dotdot)
                {
                    int w = output.Length - 1;
                    while (w > dotdot && output[w] != '/')
                        w--;
                    output.Length = w;
                }
                else if (!rooted)
                {
                    if (output.Length > 0)
                        output.Append('/');
                    output.Append("..");
                    dotdot = output.Length;
                }
            }
            else
            {
                if ((rooted && output.Length != 1) || (!rooted && output.Length != 0))
                    output.Append('/');
                for (; r < n && path[r] != '/'; r++)
                    output.Append(path[r]);
            }
        }
        return output.Length == 0 ? "." : output.ToString();
    }

    public static (string Dir, string File) Split(string path)
    {
        int i = path.LastIndexOf('/');
        return (path[..(i + 1)], path[(i + 1)..]);
    }

    public static string Join(string a, string b)
    {
        if (a.Length == 0 && b.Length == 0)
            return "";
        if (a.Length == 0)
            return Clean(b);
        if (b.Length == 0)
            return Clean(a);
        return Clean(a + "/" + b);
    }
}
