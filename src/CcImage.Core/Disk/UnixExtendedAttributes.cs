// Reads a file's extended attributes (security.capability, POSIX ACLs as system.posix_acl_*, user.*) without following
// a final symbolic link, with the Linux llistxattr(2)/lgetxattr(2) calls; .NET has no API for them.
// Spec: Linux man-pages listxattr(2), getxattr(2), xattr(7).
using System.Runtime.InteropServices;
using System.Text;

namespace CcImage.Core.Disk;

public static partial class UnixExtendedAttributes
{
    private const int ERANGE = 34;
    private const int ENODATA = 61;
    private const int EOPNOTSUPP = 95;
    private const int InitialBufferSize = 256;
    private const int MaximumTries = 8;

    /// <summary>Every extended attribute of <paramref name="path"/> as name → value, names in ordinal order; empty when the file system has none.</summary>
    public static SortedDictionary<string, byte[]> Read(string path)
    {
        var result = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        byte[]? names = Query(() => LListXattr(path, null, 0), buffer => LListXattr(path, buffer, (nuint)buffer.Length), path);
        if (names == null)
            return result;
        foreach (string name in Encoding.UTF8.GetString(names).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            byte[]? value = Query(() => LGetXattr(path, name, null, 0), buffer => LGetXattr(path, name, buffer, (nuint)buffer.Length), path);
            if (value != null)
                result[name] = value;
        }
        return result;
    }

    // Asks for the size, then reads; the attribute can grow in between (ERANGE), so retry a few times.
    private static byte[]? Query(Func<nint> sizeOf, Func<byte[], nint> read, string path)
    {
        for (int attempt = 0; attempt < MaximumTries; attempt++)
        {
            nint size = sizeOf();
            if (size < 0)
            {
                int error = Marshal.GetLastPInvokeError();
                if (error is EOPNOTSUPP or ENODATA)
                    return null;
                throw new IOException($"Cannot read the extended attributes of '{path}' (errno {error}).");
            }
            byte[] buffer = new byte[Math.Max((int)size, InitialBufferSize)];
            nint got = read(buffer);
            if (got >= 0)
                return buffer[..(int)got];
            int readError = Marshal.GetLastPInvokeError();
            if (readError is EOPNOTSUPP or ENODATA)
                return null;
            if (readError != ERANGE)
                throw new IOException($"Cannot read the extended attributes of '{path}' (errno {readError}).");
        }
        throw new IOException($"The extended attributes of '{path}' kept changing while being read.");
    }

    [LibraryImport("libc", EntryPoint = "llistxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint LListXattr(string path, byte[]? list, nuint size);

    [LibraryImport("libc", EntryPoint = "lgetxattr", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial nint LGetXattr(string path, string name, byte[]? value, nuint size);
}
