// The one check that a file a caller named exists, with the CCIMG1003 error that names the file and what it was for.
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Config;

public static class InputFile
{
    /// <summary>Returns <paramref name="path"/> when it is an existing file, else throws CCIMG1003 naming <paramref name="what"/>.</summary>
    public static string Require(string path, string what) =>
        File.Exists(path) ? path : throw Diag.Error(nameof(Strings.InputFileMissing), path, what);
}
