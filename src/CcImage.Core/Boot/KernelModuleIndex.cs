// The kernel's own list of its modules and their dependencies, read from /lib/modules/<version>/modules.dep (and
// modules.builtin, the modules compiled into the kernel), and the order to load a set of them in: every module
// after the modules it depends on, in the order modprobe loads them (a module's dependencies from the last listed to
// the first). Soft dependencies (modules.softdep) are not followed: BootModules names those modules itself.
// Spec: modules.dep(5) ("module: dependency..." one line per module, paths relative to /lib/modules/<version>),
// depmod(8), kmod's libkmod-module.c (dependency order); names compare with '-' and '_' alike (kmod's modname).
using CcImage.Core.Diagnostics;

namespace CcImage.Core.Boot;

public sealed class KernelModuleIndex
{
    /// <summary>Module files the initramfs can load as they are (insmod does not decompress).</summary>
    public const string ModuleExtension = ".ko";
    private static readonly string[] CompressedExtensions = [".ko.xz", ".ko.zst", ".ko.gz"];

    private readonly Dictionary<string, (string Path, string[] Dependencies)> _modules;
    private readonly HashSet<string> _builtin;

    private KernelModuleIndex(Dictionary<string, (string, string[])> modules, HashSet<string> builtin, string source)
    {
        _modules = modules;
        _builtin = builtin;
        Source = source;
    }

    /// <summary>Where the index was read from (for messages).</summary>
    public string Source { get; }

    /// <summary>The module directory of <paramref name="kernelVersion"/> inside a root tree, absolute (e.g. /lib/modules/6.1.0-50-amd64).</summary>
    public static string DirectoryOf(string kernelVersion) => "/lib/modules/" + kernelVersion;

    /// <summary>Reads modules.dep and modules.builtin of <paramref name="kernelVersion"/> from the tree; CCIMG5132 when modules.dep is missing.</summary>
    public static KernelModuleIndex Load(RootTree tree, string kernelVersion)
    {
        string directory = DirectoryOf(kernelVersion);
        string? dep = tree.Resolve(directory + "/modules.dep");
        if (dep is null || !File.Exists(tree.HostPath(dep)))
            throw Diag.Error(nameof(Strings.BootModulesDepMissing), kernelVersion, tree.Folder, directory + "/modules.dep");
        string? builtin = tree.Resolve(directory + "/modules.builtin");
        return Parse(File.ReadAllText(tree.HostPath(dep)),
            builtin != null && File.Exists(tree.HostPath(builtin)) ? File.ReadAllText(tree.HostPath(builtin)) : null,
            tree.HostPath(dep));
    }

    /// <summary>Parses the two files' text; CCIMG5135 names a malformed line.</summary>
    public static KernelModuleIndex Parse(string modulesDep, string? modulesBuiltin, string source)
    {
        var modules = new Dictionary<string, (string, string[])>(StringComparer.Ordinal);
        string[] lines = modulesDep.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            int colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
                throw Diag.At(source, i + 1, nameof(Strings.BootModulesDepInvalid), source, i + 1, "a line is 'module.ko: dependency.ko ...'");
            string path = line[..colon].Trim();
            string[] dependencies = line[(colon + 1)..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (!modules.TryAdd(NameOf(path), (path, dependencies)))
                throw Diag.At(source, i + 1, nameof(Strings.BootModulesDepInvalid), source, i + 1, $"the module {NameOf(path)} is listed twice");
        }
        var builtin = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in (modulesBuiltin ?? "").Split('\n'))
            if (line.Trim().Length > 0)
                builtin.Add(NameOf(line.Trim()));
        return new KernelModuleIndex(modules, builtin, source);
    }

    /// <summary>The module name of a path or name: the file name without its extension, with '-' read as '_'.</summary>
    public static string NameOf(string pathOrName)
    {
        string name = pathOrName[(pathOrName.LastIndexOf('/') + 1)..];
        foreach (string extension in CompressedExtensions.Append(ModuleExtension))
            if (name.EndsWith(extension, StringComparison.Ordinal))
            {
                name = name[..^extension.Length];
                break;
            }
        return name.Replace('-', '_');
    }

    public bool IsBuiltin(string name) => _builtin.Contains(NameOf(name));

    public bool Contains(string name) => _modules.ContainsKey(NameOf(name));

    /// <summary>
    /// The modules to load for <paramref name="wanted"/>, dependencies first, each once. A module compiled into the kernel
    /// needs no loading; a missing required module is CCIMG5133, a missing optional one is left out. A dependency of
    /// optional modules only is itself optional.
    /// </summary>
    public IReadOnlyList<KernelModule> LoadOrder(IEnumerable<(string Name, bool Optional)> wanted)
    {
        var roots = new List<(string Name, bool Optional)>();
        foreach (var (raw, optional) in wanted)
        {
            string name = NameOf(raw);
            if (_builtin.Contains(name))
                continue;
            if (_modules.ContainsKey(name))
                roots.Add((name, optional));
            else if (!optional)
                throw Diag.Error(nameof(Strings.BootModuleNotFound), name, Source, "neither in modules.dep nor in modules.builtin");
        }

        var order = new List<string>();
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: visiting, true: done
        var required = new HashSet<string>(StringComparer.Ordinal);
        void Visit(string name, bool isRequired)
        {
            if (isRequired)
                required.Add(name);
            if (state.TryGetValue(name, out bool done))
            {
                if (!done)
                    throw Diag.Error(nameof(Strings.BootModuleCycle), name, Source);
                if (!isRequired)
                    return;
            }
            else
                state[name] = false;
            foreach (string dependency in Enumerable.Reverse(_modules[name].Dependencies))
            {
                string dependencyName = NameOf(dependency);
                if (!_modules.ContainsKey(dependencyName))
                    throw Diag.Error(nameof(Strings.BootModuleNotFound), dependencyName, Source, $"a dependency of {name}");
                if (!state.TryGetValue(dependencyName, out bool dependencyDone) || !dependencyDone || (isRequired && !required.Contains(dependencyName)))
                    Visit(dependencyName, isRequired);
            }
            if (!done)
            {
                state[name] = true;
                order.Add(name);
            }
        }
        foreach (var (name, optional) in roots)
            Visit(name, !optional);

        return [.. order.Select(name =>
        {
            string path = _modules[name].Path;
            if (CompressedExtensions.Any(e => path.EndsWith(e, StringComparison.Ordinal)))
                throw Diag.Error(nameof(Strings.BootModuleCompressed), path, Source);
            return new KernelModule(name, path, !required.Contains(name));
        })];
    }
}
