// A strict reader of newc cpio archives (the "070701" ASCII format, Linux Documentation/driver-api/early-userspace/
// buffer-format.rst) that only lists the entry names: every header, name and data field must be well-formed and 4-byte
// aligned, and the archive must end with TRAILER!!!. Used to judge the cpio writer under fuzzing.
using System.Globalization;
using System.Text;

namespace CcImage.Fuzz.Targets;

internal static class NewcReader
{
    private const int HeaderLength = 110;
    private const string Trailer = "TRAILER!!!";

    /// <summary>The entry names before the trailer; throws FuzzPropertyException on anything malformed.</summary>
    public static List<string> ReadNames(byte[] archive)
    {
        int at = 0;
        var names = new List<string>();
        while (true)
        {
            if (at + HeaderLength > archive.Length)
                throw new FuzzPropertyException($"archive ends inside a header at {at}");
            string header = Encoding.ASCII.GetString(archive, at, HeaderLength);
            if (!header.StartsWith("070701", StringComparison.Ordinal))
                throw new FuzzPropertyException($"no newc magic at {at}");
            long fileSize = Field(header, 7), nameSize = Field(header, 12); // c_filesize, c_namesize
            if (nameSize < 1 || at + HeaderLength + nameSize > archive.Length)
                throw new FuzzPropertyException($"bad name size {nameSize} at {at}");
            if (archive[at + HeaderLength + (int)nameSize - 1] != 0)
                throw new FuzzPropertyException($"name at {at} is not NUL-terminated");
            string name = Encoding.UTF8.GetString(archive, at + HeaderLength, (int)nameSize - 1);
            at = Align(at + HeaderLength + (int)nameSize);
            if (at + fileSize > archive.Length)
                throw new FuzzPropertyException($"data of '{name}' runs past the end");
            at = Align(at + (int)fileSize);
            if (name == Trailer)
                return names;
            names.Add(name);
        }
    }

    private static long Field(string header, int index) =>
        long.Parse(header.AsSpan(6 + (index - 1) * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private static int Align(int at) => (at + 3) & ~3;
}
