// Builds small ELF files with gcc (package gcc) for the ELF and library-resolution tests: a shared library with a
// soname, programs that need it through DT_RUNPATH or DT_RPATH ($ORIGIN-relative) or through the ld.so.conf
// directories, and a static program.
namespace CcImage.Tests.Elf;

internal static class ElfTestPrograms
{
    public const string LibrarySoname = "libccdemo.so.1";

    /// <summary>Compiles into <paramref name="folder"/>: lib/libccdemo.so.1, bin/runpath (RUNPATH $ORIGIN/../lib),
    /// bin/rpath (RPATH $ORIGIN/../lib), bin/plain (no search path), bin/static.</summary>
    public static void Build(string folder)
    {
        Directory.CreateDirectory(Path.Combine(folder, "lib"));
        Directory.CreateDirectory(Path.Combine(folder, "bin"));
        string libSource = Path.Combine(folder, "demo.c"), mainSource = Path.Combine(folder, "main.c");
        File.WriteAllText(libSource, "int ccdemo(void) { return 42; }\n");
        File.WriteAllText(mainSource, "int ccdemo(void);\nint main(void) { return ccdemo() == 42 ? 0 : 1; }\n");
        string library = Path.Combine(folder, "lib", LibrarySoname);
        Gcc("-shared", "-fPIC", "-Wl,-soname," + LibrarySoname, "-o", library, libSource);
        string libDir = Path.Combine(folder, "lib");
        Gcc("-o", Path.Combine(folder, "bin", "runpath"), mainSource, library, "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib");
        Gcc("-o", Path.Combine(folder, "bin", "rpath"), mainSource, library, "-Wl,--disable-new-dtags,-rpath,$ORIGIN/../lib");
        Gcc("-o", Path.Combine(folder, "bin", "plain"), mainSource, "-L" + libDir, "-l:" + LibrarySoname);
        Gcc("-static", "-o", Path.Combine(folder, "bin", "static"), Path.Combine(folder, "static.c"));
    }

    private static void Gcc(params string[] arguments)
    {
        string? staticSource = arguments.FirstOrDefault(a => a.EndsWith("static.c", StringComparison.Ordinal));
        if (staticSource != null && !File.Exists(staticSource))
            File.WriteAllText(staticSource, "int main(void) { return 0; }\n");
        RefTools.Run("gcc", arguments).AssertSuccess("gcc " + string.Join(' ', arguments));
    }
}
