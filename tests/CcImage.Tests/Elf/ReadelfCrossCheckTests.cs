// Cross-checks ElfFile against readelf (binutils): the program interpreter, DT_NEEDED, DT_RPATH and DT_RUNPATH of
// gcc-built programs and of programs and libraries of this machine, and the class and byte order.
using System.Text.RegularExpressions;
using CcImage.Core.Elf;

namespace CcImage.Tests.Elf;

[TestClass]
public sealed partial class ReadelfCrossCheckTests
{
    private static string _dir = "";

    [ClassInitialize]
    public static void Build(TestContext _)
    {
        _dir = TestPaths.NewTempDir("readelf");
        ElfTestPrograms.Build(_dir);
    }

    [ClassCleanup]
    public static void Cleanup() => Directory.Delete(_dir, recursive: true);

    public static IEnumerable<object[]> Files() =>
    [
        ["bin/runpath"], ["bin/rpath"], ["bin/plain"], ["bin/static"], ["lib/" + ElfTestPrograms.LibrarySoname],
        ["/usr/bin/ls"], ["/usr/sbin/veritysetup"], ["/usr/lib/x86_64-linux-gnu/libc.so.6"], ["/usr/lib/x86_64-linux-gnu/libcryptsetup.so.12"],
    ];

    [TestMethod]
    [DynamicData(nameof(Files))]
    public void Read_MatchesReadelf(string file)
    {
        string path = file.StartsWith('/') ? file : Path.Combine(_dir, file);
        var elf = ElfFile.Read(path);

        string header = RefTools.Run("readelf", "-hW", path).AssertSuccess("readelf -h").StandardOutput;
        Assert.AreEqual(Field(header, "Class"), elf.Bits == 64 ? "ELF64" : "ELF32");
        StringAssert.Contains(Field(header, "Data"), elf.LittleEndian ? "little endian" : "big endian");

        string program = RefTools.Run("readelf", "-lW", path).AssertSuccess("readelf -l").StandardOutput;
        Assert.AreEqual(Interpreter().Match(program) is { Success: true } m ? m.Groups[1].Value : null, elf.Interpreter);

        string dynamic = RefTools.Run("readelf", "-dW", path).AssertSuccess("readelf -d").StandardOutput;
        CollectionAssert.AreEqual(Needed().Matches(dynamic).Select(x => x.Groups[1].Value).ToList(), elf.Needed.ToList());
        Assert.AreEqual(RPath().Match(dynamic) is { Success: true } r ? r.Groups[1].Value : null, elf.RPath);
        Assert.AreEqual(RunPath().Match(dynamic) is { Success: true } u ? u.Groups[1].Value : null, elf.RunPath);
    }

    [TestMethod]
    public void Read_GccPrograms_HaveTheSearchPathsTheyWereLinkedWith()
    {
        Assert.AreEqual("$ORIGIN/../lib", ElfFile.Read(Path.Combine(_dir, "bin/runpath")).RunPath);
        Assert.IsNull(ElfFile.Read(Path.Combine(_dir, "bin/runpath")).RPath);
        Assert.AreEqual("$ORIGIN/../lib", ElfFile.Read(Path.Combine(_dir, "bin/rpath")).RPath);
        CollectionAssert.Contains(ElfFile.Read(Path.Combine(_dir, "bin/plain")).Needed.ToList(), ElfTestPrograms.LibrarySoname);
        var staticProgram = ElfFile.Read(Path.Combine(_dir, "bin/static"));
        Assert.IsNull(staticProgram.Interpreter);
        Assert.IsEmpty(staticProgram.Needed);
    }

    private static string Field(string text, string name) =>
        text.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim();

    [GeneratedRegex(@"\[Requesting program interpreter: ([^\]]+)\]")]
    private static partial Regex Interpreter();

    [GeneratedRegex(@"\(NEEDED\)\s+Shared library: \[([^\]]+)\]")]
    private static partial Regex Needed();

    [GeneratedRegex(@"\(RPATH\)\s+Library rpath: \[([^\]]*)\]")]
    private static partial Regex RPath();

    [GeneratedRegex(@"\(RUNPATH\)\s+Library runpath: \[([^\]]*)\]")]
    private static partial Regex RunPath();
}
