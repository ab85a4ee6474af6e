// RootTree and SharedLibraryResolver on a small merged-/usr tree holding gcc-built programs, this machine's C library
// and loader, and an ld.so.conf with includes: the closure of files each program loads, the links on the way, ld.so's
// search order ($ORIGIN run paths, then ld.so.conf directories, then the defaults), wrong candidates skipped, and a
// missing program, library or interpreter reported with its code.
using CcImage.Core.Boot;
using CcImage.Core.Diagnostics;
using CcImage.Tests.Elf;

namespace CcImage.Tests.Boot;

[TestClass]
public sealed class SharedLibraryResolverTests
{
    private const string Multiarch = "usr/lib/x86_64-linux-gnu";
    private const string Loader = "ld-linux-x86-64.so.2";
    private string _dir = "";
    private string _tree = "";

    [TestInitialize]
    public void Init()
    {
        _dir = TestPaths.NewTempDir("libs");
        string programs = Path.Combine(_dir, "programs");
        ElfTestPrograms.Build(programs);
        _tree = Path.Combine(_dir, "tree");
        foreach (string folder in new[] { "usr/bin", Multiarch, "usr/lib64", "usr/sbin", "opt/demo/lib", "etc/ld.so.conf.d" })
            Directory.CreateDirectory(Path.Combine(_tree, folder));
        foreach (string top in new[] { "bin", "lib", "lib64", "sbin" })
            File.CreateSymbolicLink(Path.Combine(_tree, top), "usr/" + top);
        File.Copy("/usr/lib/x86_64-linux-gnu/" + Loader, Path.Combine(_tree, Multiarch, Loader));
        File.Copy("/usr/lib/x86_64-linux-gnu/libc.so.6", Path.Combine(_tree, Multiarch, "libc.so.6"));
        File.CreateSymbolicLink(Path.Combine(_tree, "usr/lib64", Loader), "/lib/x86_64-linux-gnu/" + Loader);
        foreach (string program in new[] { "runpath", "rpath", "plain", "static" })
            File.Copy(Path.Combine(programs, "bin", program), Path.Combine(_tree, "usr/bin", program));
        File.Copy(Path.Combine(programs, "lib", ElfTestPrograms.LibrarySoname), Path.Combine(_tree, "usr/lib", ElfTestPrograms.LibrarySoname));
        File.Copy(Path.Combine(programs, "lib", ElfTestPrograms.LibrarySoname), Path.Combine(_tree, "opt/demo/lib", ElfTestPrograms.LibrarySoname));
        File.WriteAllText(Path.Combine(_tree, "etc/ld.so.conf"), "# comment\ninclude /etc/ld.so.conf.d/*.conf\n");
        File.WriteAllText(Path.Combine(_tree, "etc/ld.so.conf.d/a-multiarch.conf"), "/usr/lib/x86_64-linux-gnu\n");
        File.WriteAllText(Path.Combine(_tree, "etc/ld.so.conf.d/b-demo.conf"), "/opt/demo/lib # demo\n");
    }

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private (RootTreeSelection Selection, SharedLibraryResolver Resolver) New()
    {
        var selection = new RootTreeSelection(new RootTree(_tree));
        return (selection, new SharedLibraryResolver(selection));
    }

    [TestMethod]
    public void LdSoConf_IncludesReadInOrder() =>
        CollectionAssert.AreEqual(new List<string> { "/usr/lib/x86_64-linux-gnu", "/opt/demo/lib" }, New().Resolver.ConfiguredDirectories.ToList());

    [TestMethod]
    public void AddProgram_RunPathProgram_SelectsLoaderLibcAndOriginLibrary_WithTheLinksOnTheWay()
    {
        var (selection, resolver) = New();
        Assert.AreEqual("usr/bin/runpath", resolver.AddProgram("/bin/runpath", "demo"));
        CollectionAssert.AreEquivalent(new List<string>
        {
            "usr/bin/runpath", "usr/lib/" + ElfTestPrograms.LibrarySoname, Multiarch + "/libc.so.6", Multiarch + "/" + Loader,
        }, selection.Files.Keys.ToList());
        Assert.AreEqual("usr/bin", selection.Links["bin"]);
        Assert.AreEqual("usr/lib64", selection.Links["lib64"]);
        Assert.AreEqual("/lib/x86_64-linux-gnu/" + Loader, selection.Links["usr/lib64/" + Loader]);
        Assert.AreEqual("usr/lib", selection.Links["lib"]);
    }

    [TestMethod]
    public void AddProgram_RPathProgram_UsesOriginToo()
    {
        var (selection, resolver) = New();
        resolver.AddProgram("/usr/bin/rpath", "demo");
        Assert.IsTrue(selection.Files.ContainsKey("usr/lib/" + ElfTestPrograms.LibrarySoname));
        Assert.IsFalse(selection.Files.ContainsKey("opt/demo/lib/" + ElfTestPrograms.LibrarySoname));
    }

    [TestMethod]
    public void AddProgram_NoRunPath_LdSoConfDirectoriesBeforeTheDefaults()
    {
        var (selection, resolver) = New();
        resolver.AddProgram("/bin/plain", "demo");
        Assert.IsTrue(selection.Files.ContainsKey("opt/demo/lib/" + ElfTestPrograms.LibrarySoname));
        Assert.IsFalse(selection.Files.ContainsKey("usr/lib/" + ElfTestPrograms.LibrarySoname));
    }

    [TestMethod]
    public void AddProgram_CandidateNotElf_IsSkippedForTheNextDirectory()
    {
        File.WriteAllText(Path.Combine(_tree, "opt/demo/lib", ElfTestPrograms.LibrarySoname), "not a library\n");
        var (selection, resolver) = New();
        resolver.AddProgram("/bin/plain", "demo");
        Assert.IsTrue(selection.Files.ContainsKey("usr/lib/" + ElfTestPrograms.LibrarySoname));
        Assert.IsFalse(selection.Files.ContainsKey("opt/demo/lib/" + ElfTestPrograms.LibrarySoname));
    }

    [TestMethod]
    public void AddProgram_StaticProgram_SelectsOnlyItself()
    {
        var (selection, resolver) = New();
        resolver.AddProgram("/bin/static", "demo");
        CollectionAssert.AreEqual(new List<string> { "usr/bin/static" }, selection.Files.Keys.ToList());
    }

    [TestMethod]
    public void AddProgram_MissingProgram_ThrowsCcimg5131NamingThePackage()
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => New().Resolver.AddProgram("/sbin/veritysetup", "cryptsetup-bin"));
        Assert.AreEqual("CCIMG5131", e.Code);
        StringAssert.Contains(e.Message, "cryptsetup-bin");
    }

    [TestMethod]
    public void AddProgram_MissingLibrary_ThrowsCcimg5138NamingItAndTheSearch()
    {
        foreach (string copy in new[] { "usr/lib", "opt/demo/lib" })
            File.Delete(Path.Combine(_tree, copy, ElfTestPrograms.LibrarySoname));
        var e = Assert.ThrowsExactly<CcImageException>(() => New().Resolver.AddProgram("/bin/plain", "demo"));
        Assert.AreEqual("CCIMG5138", e.Code);
        StringAssert.Contains(e.Message, ElfTestPrograms.LibrarySoname);
        StringAssert.Contains(e.Message, "/opt/demo/lib");
    }

    [TestMethod]
    public void AddProgram_MissingInterpreter_ThrowsCcimg5139()
    {
        File.Delete(Path.Combine(_tree, Multiarch, Loader));
        Assert.AreEqual("CCIMG5139", Assert.ThrowsExactly<CcImageException>(() => New().Resolver.AddProgram("/bin/plain", "demo")).Code);
    }

    [TestMethod]
    public void Resolve_AbsoluteAndDotDotLinks_StayInsideTheTree()
    {
        File.CreateSymbolicLink(Path.Combine(_tree, "escape"), "/../../../../etc");
        File.WriteAllText(Path.Combine(_tree, "etc/hostname"), "inside\n");
        var tree = new RootTree(_tree);
        Assert.AreEqual("etc/hostname", tree.Resolve("/escape/hostname"));
        Assert.AreEqual("etc/hostname", tree.Resolve("/../../etc/./hostname"));
        Assert.IsNull(tree.Resolve("/escape/passwd"));
        Assert.AreEqual("", tree.Resolve("/"));
    }

    [TestMethod]
    public void Resolve_LinkLoop_ThrowsCcimg5136()
    {
        File.CreateSymbolicLink(Path.Combine(_tree, "loop-a"), "loop-b");
        File.CreateSymbolicLink(Path.Combine(_tree, "loop-b"), "/loop-a");
        Assert.AreEqual("CCIMG5136", Assert.ThrowsExactly<CcImageException>(() => new RootTree(_tree).Resolve("/loop-a/x")).Code);
    }

    [TestMethod]
    public void RootTree_MissingFolder_ThrowsCcimg5130() =>
        Assert.AreEqual("CCIMG5130", Assert.ThrowsExactly<CcImageException>(() => new RootTree(Path.Combine(_dir, "nothing"))).Code);
}
