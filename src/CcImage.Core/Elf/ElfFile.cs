// What the dynamic loader needs from an ELF file: its class, byte order and machine, the program interpreter
// (PT_INTERP) and, from the dynamic section (PT_DYNAMIC), the libraries it needs (DT_NEEDED) and where to look for
// them (DT_RPATH, DT_RUNPATH). Reads the file's headers only; never runs it.
// Spec: System V ABI, Generic ABI (gABI) 4.1 chapter 4 "ELF Header" (e_ident, e_phoff, e_phentsize, e_phnum) and
// chapter 5 "Program Header" (PT_LOAD, PT_DYNAMIC, PT_INTERP) and "Dynamic Section" (DT_NEEDED, DT_STRTAB, DT_STRSZ,
// DT_RPATH, DT_RUNPATH); the 64-bit layouts from "ELF-64 Object File Format" 1.5.
using System.Buffers.Binary;
using System.Text;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Elf;

public sealed record ElfFile
{
    private static ReadOnlySpan<byte> Magic => [0x7f, (byte)'E', (byte)'L', (byte)'F'];
    private const int EiClass = 4;
    private const int EiData = 5;
    private const byte ElfClass32 = 1;
    private const byte ElfClass64 = 2;
    private const byte ElfData2Lsb = 1;
    private const byte ElfData2Msb = 2;
    /// <summary>e_phnum's escape value: the real count is in section header 0 (not used by loadable files we read).</summary>
    private const int PnXnum = 0xffff;

    private const uint PtLoad = 1;
    private const uint PtDynamic = 2;
    private const uint PtInterp = 3;

    private const long DtNull = 0;
    private const long DtNeeded = 1;
    private const long DtStrtab = 5;
    private const long DtStrsz = 10;
    private const long DtRpath = 15;
    private const long DtRunpath = 29;

    /// <summary>Where the fields read here sit, per class (gABI "ELF Header", "Program Header", "Dynamic Section").</summary>
    private sealed record ClassLayout(int HeaderSize, int EMachine, int EPhoff, int EPhentsize, int EPhnum,
        int PhdrSize, int POffset, int PVaddr, int PFilesz, int DynSize, int DVal);

    private static readonly ClassLayout Elf32 = new(HeaderSize: 52, EMachine: 18, EPhoff: 28, EPhentsize: 42, EPhnum: 44,
        PhdrSize: 32, POffset: 4, PVaddr: 8, PFilesz: 16, DynSize: 8, DVal: 4);

    private static readonly ClassLayout Elf64 = new(HeaderSize: 64, EMachine: 18, EPhoff: 32, EPhentsize: 54, EPhnum: 56,
        PhdrSize: 56, POffset: 8, PVaddr: 16, PFilesz: 32, DynSize: 16, DVal: 8);

    /// <summary>Headers, program headers, the interpreter path and the dynamic section are each at most this big.</summary>
    private const int MaxTableBytes = 1 << 20;

    /// <summary>64 for ELFCLASS64, 32 for ELFCLASS32.</summary>
    public required int Bits { get; init; }

    public required bool LittleEndian { get; init; }

    /// <summary>e_machine (62 = x86-64, 183 = AArch64).</summary>
    public required ushort Machine { get; init; }

    /// <summary>The PT_INTERP path (e.g. <c>/lib64/ld-linux-x86-64.so.2</c>), or null for a static file or a library.</summary>
    public string? Interpreter { get; init; }

    /// <summary>The DT_NEEDED names, in order.</summary>
    public IReadOnlyList<string> Needed { get; init; } = [];

    /// <summary>DT_RPATH, colon-separated, or null.</summary>
    public string? RPath { get; init; }

    /// <summary>DT_RUNPATH, colon-separated, or null.</summary>
    public string? RunPath { get; init; }

    /// <summary>True when <paramref name="other"/> can be loaded into the same process (same class, byte order, machine).</summary>
    public bool IsCompatibleWith(ElfFile other) => Bits == other.Bits && LittleEndian == other.LittleEndian && Machine == other.Machine;

    /// <summary>True when the file starts with the ELF magic.</summary>
    public static bool HasMagic(string path)
    {
        Span<byte> head = stackalloc byte[4];
        using var file = File.OpenRead(path);
        return file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) == head.Length && head.SequenceEqual(Magic);
    }

    /// <summary>Reads <paramref name="path"/>; CCIMG5137 when it is not a well-formed ELF file.</summary>
    public static ElfFile Read(string path)
    {
        using var file = File.OpenHandle(path);
        long length = RandomAccess.GetLength(file);
        CcImageException Bad(string why) => Diag.Error(nameof(Strings.ElfInvalid), path, why);

        byte[] ident = ReadAt(file, 0, (ulong)Math.Min(Elf64.HeaderSize, length), length, Bad, "the ELF header");
        if (ident.Length < Elf32.HeaderSize || !ident.AsSpan(0, 4).SequenceEqual(Magic))
            throw Bad("it does not start with an ELF header");
        var layout = ident[EiClass] switch { ElfClass32 => Elf32, ElfClass64 => Elf64, _ => throw Bad($"unknown class {ident[EiClass]}") };
        int bits = layout == Elf64 ? 64 : 32;
        if (ident.Length < layout.HeaderSize)
            throw Bad("the ELF header is truncated");
        bool little = ident[EiData] switch { ElfData2Lsb => true, ElfData2Msb => false, _ => throw Bad($"unknown byte order {ident[EiData]}") };
        var r = new FieldReader(little, bits == 64);
        ushort machine = r.U16(ident, layout.EMachine);
        ulong phoff = r.Word(ident, layout.EPhoff);
        int phentsize = r.U16(ident, layout.EPhentsize);
        int phnum = r.U16(ident, layout.EPhnum);
        if (phnum == PnXnum)
            throw Bad("more than 65534 program headers");
        if (phnum > 0 && phentsize < layout.PhdrSize)
            throw Bad($"program header entries of {phentsize} bytes");
        byte[] table = ReadAt(file, phoff, (ulong)(phnum * phentsize), length, Bad, "the program headers");

        var loads = new List<(ulong Vaddr, ulong Offset, ulong Filesz)>();
        (ulong Offset, ulong Size)? dynamic = null, interp = null;
        for (int i = 0; i < phnum; i++)
        {
            int e = i * phentsize;
            uint type = r.U32(table, e);
            ulong offset = r.Word(table, e + layout.POffset);
            ulong vaddr = r.Word(table, e + layout.PVaddr);
            ulong filesz = r.Word(table, e + layout.PFilesz);
            switch (type)
            {
                case PtLoad: loads.Add((vaddr, offset, filesz)); break;
                case PtDynamic: dynamic = (offset, filesz); break;
                case PtInterp: interp = (offset, filesz); break;
            }
        }

        string? interpreter = null;
        if (interp is { } ip)
            interpreter = CString(ReadAt(file, ip.Offset, ip.Size, length, Bad, "PT_INTERP"), 0)
                ?? throw Bad("PT_INTERP holds no NUL-terminated path");

        var needed = new List<string>();
        string? rpath = null, runpath = null;
        if (dynamic is { } dyn)
        {
            int entrySize = layout.DynSize;
            byte[] entries = ReadAt(file, dyn.Offset, dyn.Size, length, Bad, "the dynamic section");
            var values = new List<(long Tag, ulong Value)>();
            for (int e = 0; e + entrySize <= entries.Length; e += entrySize)
            {
                long tag = bits == 64 ? (long)r.Word(entries, e) : (int)r.Word(entries, e);
                ulong value = r.Word(entries, e + layout.DVal);
                if (tag == DtNull)
                    break;
                values.Add((tag, value));
            }
            ulong? strtab = values.Where(v => v.Tag == DtStrtab).Select(v => (ulong?)v.Value).FirstOrDefault();
            ulong strsz = values.Where(v => v.Tag == DtStrsz).Select(v => v.Value).FirstOrDefault();
            if (values.Any(v => v.Tag is DtNeeded or DtRpath or DtRunpath))
            {
                if (strtab is null || strsz == 0)
                    throw Bad("the dynamic section has no usable string table (DT_STRTAB, DT_STRSZ)");
                ulong strOffset = VaddrToOffset(loads, strtab.Value, strsz) ?? throw Bad("DT_STRTAB lies outside every PT_LOAD segment");
                byte[] strings = ReadAt(file, strOffset, strsz, length, Bad, "the dynamic string table");
                string Str(ulong index) => index < strsz && CString(strings, (int)index) is { } s ? s
                    : throw Bad($"a dynamic entry names string {index}, outside the string table");
                foreach (var (tag, value) in values)
                {
                    if (tag == DtNeeded) needed.Add(Str(value));
                    else if (tag == DtRpath) rpath = Str(value);
                    else if (tag == DtRunpath) runpath = Str(value);
                }
            }
        }
        return new ElfFile
        {
            Bits = bits, LittleEndian = little, Machine = machine,
            Interpreter = interpreter, Needed = needed, RPath = rpath, RunPath = runpath,
        };
    }

    private static ulong? VaddrToOffset(List<(ulong Vaddr, ulong Offset, ulong Filesz)> loads, ulong vaddr, ulong size)
    {
        foreach (var (start, offset, filesz) in loads)
            if (vaddr >= start && vaddr - start + size <= filesz)
                return offset + (vaddr - start);
        return null;
    }

    private static byte[] ReadAt(Microsoft.Win32.SafeHandles.SafeFileHandle file, ulong offset, ulong count, long length,
        Func<string, CcImageException> bad, string what)
    {
        if (count > MaxTableBytes || offset > (ulong)length || count > (ulong)length - offset)
            throw bad($"{what} runs past the end of the file");
        byte[] buffer = new byte[count];
        if (RandomAccess.Read(file, buffer, (long)offset) != buffer.Length)
            throw bad($"{what} is truncated");
        return buffer;
    }

    private static string? CString(byte[] bytes, int start)
    {
        int end = Array.IndexOf(bytes, (byte)0, start);
        return end < 0 ? null : Encoding.UTF8.GetString(bytes, start, end - start);
    }

    /// <summary>Reads fields in the file's byte order; a Word is ElfN_Addr/ElfN_Off/ElfN_Xword (4 or 8 bytes by class).</summary>
    private readonly record struct FieldReader(bool Little, bool Is64)
    {
        public ulong Word(byte[] b, int at) => Is64 ? U64(b, at) : U32(b, at);
        public ushort U16(byte[] b, int at) => Little ? BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt16BigEndian(b.AsSpan(at));
        public uint U32(byte[] b, int at) => Little ? BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(at));
        public ulong U64(byte[] b, int at) => Little ? BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(at)) : BinaryPrimitives.ReadUInt64BigEndian(b.AsSpan(at));
    }
}
