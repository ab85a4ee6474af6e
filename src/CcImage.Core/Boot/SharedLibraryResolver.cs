// Finds, inside a root tree, every file the dynamic loader maps to start a program: the program interpreter
// (PT_INTERP) and the transitive closure of DT_NEEDED libraries, looked up as ld.so does — DT_RPATH (when there is no
// DT_RUNPATH), DT_RUNPATH, the directories of /etc/ld.so.conf (what ld.so.cache indexes), then the default
// directories — taking the first candidate of the same ELF class and machine. Reads ELF headers only; nothing runs.
// Spec: ld.so(8) "Dynamic linker" (search order, $ORIGIN), ldconfig(8) (/etc/ld.so.conf, include), and the ELF
// dynamic section as read by CcImage.Core.Elf.ElfFile.
using CcImage.Core.Diagnostics;
using CcImage.Core.Elf;

namespace CcImage.Core.Boot;

public sealed class SharedLibraryResolver
{
    private const string LdSoConf = "/etc/ld.so.conf";
    private const string OriginToken = "$ORIGIN";
    private const string OriginTokenBraced = "${ORIGIN}";
    private static readonly string[] DefaultDirectories64 = ["/lib64", "/usr/lib64", "/lib", "/usr/lib"];
    private static readonly string[] DefaultDirectories32 = ["/lib", "/usr/lib"];

    private readonly RootTreeSelection _selection;

    public SharedLibraryResolver(RootTreeSelection selection)
    {
        _selection = selection;
        ConfiguredDirectories = ReadLdSoConf(selection.Tree);
    }

    /// <summary>The directories /etc/ld.so.conf names (with its includes), in order.</summary>
    public IReadOnlyList<string> ConfiguredDirectories { get; }

    /// <summary>
    /// Selects the program at <paramref name="programPath"/> (absolute inside the tree), its interpreter and every library it
    /// loads; returns the program's canonical path. CCIMG5131 when the program is missing, CCIMG5138/5139 when a library
    /// or the interpreter is.
    /// </summary>
    public string AddProgram(string programPath, string package)
    {
        string canonical = _selection.Add(programPath, $"the program {programPath}", package);
        var program = ElfFile.Read(_selection.Tree.HostPath(canonical));
        if (program.Interpreter is { } interpreter)
        {
            string ld = _selection.TryAdd(interpreter, $"the interpreter of {programPath}")
                ?? throw Diag.Error(nameof(Strings.ElfInterpreterMissing), interpreter, programPath, _selection.Tree.Folder);
            AddNeeded(ElfFile.Read(_selection.Tree.HostPath(ld)), "/" + ld, program, new HashSet<string>(StringComparer.Ordinal));
        }
        AddNeeded(program, "/" + canonical, program, new HashSet<string>(StringComparer.Ordinal) { canonical });
        return canonical;
    }

    private void AddNeeded(ElfFile elf, string elfPath, ElfFile program, HashSet<string> visited)
    {
        foreach (string name in elf.Needed)
        {
            string found = Find(name, elf, elfPath, program);
            if (!visited.Add(found))
                continue;
            AddNeeded(ElfFile.Read(_selection.Tree.HostPath(found)), "/" + found, program, visited);
        }
    }

    /// <summary>The canonical path of the library <paramref name="name"/> that <paramref name="elf"/> loads.</summary>
    private string Find(string name, ElfFile elf, string elfPath, ElfFile program)
    {
        if (name.Contains('/'))
            return TryCandidate(name, elf, elfPath) ?? throw NotFound(name, elfPath, [name]);
        var directories = new List<string>();
        if (elf.RunPath is null)
        {
            directories.AddRange(SplitPath(elf.RPath, elfPath));
            if (program.RunPath is null && !ReferenceEquals(program, elf))
                directories.AddRange(SplitPath(program.RPath, elfPath));
        }
        directories.AddRange(SplitPath(elf.RunPath, elfPath));
        directories.AddRange(ConfiguredDirectories);
        directories.AddRange(elf.Bits == 64 ? DefaultDirectories64 : DefaultDirectories32);
        foreach (string directory in directories.Distinct(StringComparer.Ordinal))
            if (TryCandidate(directory.TrimEnd('/') + "/" + name, elf, elfPath) is { } found)
                return found;
        throw NotFound(name, elfPath, directories.Distinct(StringComparer.Ordinal));
    }

    private string? TryCandidate(string path, ElfFile requester, string requesterPath)
    {
        var probe = new RootTreeSelection(_selection.Tree);
        string? canonical = probe.TryAdd(path, "");
        if (canonical is null || !ElfFile.HasMagic(_selection.Tree.HostPath(canonical))
            || !ElfFile.Read(_selection.Tree.HostPath(canonical)).IsCompatibleWith(requester))
            return null;
        return _selection.TryAdd(path, $"a library {requesterPath} needs");
    }

    private CcImageException NotFound(string name, string elfPath, IEnumerable<string> searched) =>
        Diag.Error(nameof(Strings.ElfLibraryNotFound), name, elfPath, _selection.Tree.Folder, string.Join(", ", searched));

    /// <summary>The directories of a DT_RPATH/DT_RUNPATH value, with $ORIGIN replaced by the object's directory.</summary>
    private static IEnumerable<string> SplitPath(string? value, string elfPath)
    {
        if (string.IsNullOrEmpty(value))
            yield break;
        string origin = elfPath[..Math.Max(elfPath.LastIndexOf('/'), 1)];
        foreach (string entry in value.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string expanded = entry.Replace(OriginTokenBraced, origin, StringComparison.Ordinal).Replace(OriginToken, origin, StringComparison.Ordinal);
            if (expanded.StartsWith('/') && !expanded.Contains('$'))
                yield return expanded;
        }
    }

    /// <summary>The directories of /etc/ld.so.conf and the files it includes (glob patterns in their last component).</summary>
    private static List<string> ReadLdSoConf(RootTree tree)
    {
        var directories = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void ReadFile(string path, int depth)
        {
            string? canonical = tree.Resolve(path);
            if (canonical is null || depth > RootTree.MaxSymlinkHops || !seen.Add(canonical) || !File.Exists(tree.HostPath(canonical)))
                return;
            string directoryOfFile = path[..Math.Max(path.LastIndexOf('/'), 1)];
            foreach (string raw in File.ReadAllLines(tree.HostPath(canonical)))
            {
                string line = raw.Split('#')[0].Trim();
                if (line.Length == 0 || line.StartsWith("hwcap ", StringComparison.Ordinal))
                    continue;
                if (line.StartsWith("include", StringComparison.Ordinal) && line.Length > 7 && char.IsWhiteSpace(line[7]))
                {
                    foreach (string pattern in line[8..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
                    {
                        string absolute = pattern.StartsWith('/') ? pattern : directoryOfFile + "/" + pattern;
                        foreach (string included in Glob(tree, absolute))
                            ReadFile(included, depth + 1);
                    }
                    continue;
                }
                foreach (string directory in line.Split([' ', '\t', ':', ','], StringSplitOptions.RemoveEmptyEntries))
                    if (directory.StartsWith('/'))
                        directories.Add(directory);
            }
        }
        ReadFile(LdSoConf, 0);
        return directories;
    }

    /// <summary>Absolute paths matching <paramref name="pattern"/>, whose last component may hold * and ?, sorted as glob(3) sorts.</summary>
    private static IEnumerable<string> Glob(RootTree tree, string pattern)
    {
        int slash = pattern.LastIndexOf('/');
        string directory = pattern[..Math.Max(slash, 1)], name = pattern[(slash + 1)..];
        if (!name.Contains('*') && !name.Contains('?'))
            return [pattern];
        string? canonical = tree.Resolve(directory);
        if (canonical is null || !Directory.Exists(tree.HostPath(canonical)))
            return [];
        return Directory.GetFiles(tree.HostPath(canonical), name)
            .Select(f => directory.TrimEnd('/') + "/" + Path.GetFileName(f))
            .Order(StringComparer.Ordinal);
    }
}
