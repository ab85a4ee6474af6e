// ElfFile on files that are not well-formed ELF: each is CCIMG5137 naming the problem, never an exception of another
// kind or a wrong answer. Built by cutting and patching a real library.
using CcImage.Core.Diagnostics;
using CcImage.Core.Elf;

namespace CcImage.Tests.Elf;

[TestClass]
public sealed class ElfFileTests
{
    private const string Library = "/usr/lib/x86_64-linux-gnu/libc.so.6";
    private string _dir = "";

    [TestInitialize]
    public void Init() => _dir = TestPaths.NewTempDir("elf");

    [TestCleanup]
    public void Cleanup() => Directory.Delete(_dir, recursive: true);

    private string Write(byte[] bytes)
    {
        string path = Path.Combine(_dir, "f-" + Guid.NewGuid().ToString("N")[..6]);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private void AssertInvalid(byte[] bytes, string expectedText)
    {
        var e = Assert.ThrowsExactly<CcImageException>(() => ElfFile.Read(Write(bytes)));
        Assert.AreEqual("CCIMG5137", e.Code);
        StringAssert.Contains(e.Message, expectedText);
    }

    [TestMethod]
    public void Read_NotElf_Throws()
    {
        AssertInvalid("#!/bin/sh\necho hello, this is a script and not an ELF file\n"u8.ToArray(), "ELF header");
        AssertInvalid([], "ELF header");
        Assert.IsFalse(ElfFile.HasMagic(Write("#!/bin/sh\n"u8.ToArray())));
        Assert.IsTrue(ElfFile.HasMagic(Library));
    }

    [TestMethod]
    public void Read_UnknownClassOrByteOrder_Throws()
    {
        byte[] bytes = File.ReadAllBytes(Library);
        bytes[4] = 3;
        AssertInvalid(bytes, "class");
        bytes = File.ReadAllBytes(Library);
        bytes[5] = 0;
        AssertInvalid(bytes, "byte order");
    }

    [TestMethod]
    public void Read_Truncated_Throws()
    {
        byte[] bytes = File.ReadAllBytes(Library);
        AssertInvalid(bytes[..40], "ELF header");
        AssertInvalid(bytes[..200], "program headers");
    }

    [TestMethod]
    public void Read_ProgramHeadersOutsideTheFile_Throws()
    {
        byte[] bytes = File.ReadAllBytes(Library);
        BitConverter.TryWriteBytes(bytes.AsSpan(32), (ulong)bytes.Length);
        AssertInvalid(bytes, "program headers");
    }
}
