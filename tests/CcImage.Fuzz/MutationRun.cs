// The qcow2 mutation run of issue 12's acceptance: qcow2 images of several shapes (cluster sizes 512 B to 64 KiB,
// compressed, compat 0.10, lazy refcounts; each holding a GPT disk made by sgdisk, with data) are made by qemu-img,
// mutated in their metadata (one in five left intact), and handed to the real `ccimage` as a user runs it: `qcow2 info`,
// `qcow2 convert`, `qcow2 resize` and `qcow2 resize --grow-gpt`. Judged: no stack trace, no hang, no exit status other
// than 0 or 1, no failed resize that changed the image or left a file beside it, and no successful resize (or convert)
// of an image qemu-img calls clean that qemu-img then calls unclean.
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using CcImage.Fuzz.Targets;

namespace CcImage.Fuzz;

internal static class MutationRun
{
    private static readonly int[] ClusterSizes = [512, 1024, 4096, 16384, 65536];
    private static readonly string[][] Variants =
    [
        [],
        ["-c"],
        ["-o", "compat=0.10"],
        ["-o", "lazy_refcounts=on"],
        ["-c", "-o", "compat=0.10"],
    ];

    private static readonly string[] Commands = ["info", "convert", "resize", "resize --grow-gpt"];

    public static int Execute(string[] args)
    {
        int count = int.Parse(Option(args, "--count") ?? "200", CultureInfo.InvariantCulture);
        int seed = int.Parse(Option(args, "--seed") ?? "1", CultureInfo.InvariantCulture);
        int jobs = int.Parse(Option(args, "--jobs") ?? "2", CultureInfo.InvariantCulture);
        string ccimage = Option(args, "--ccimage") ?? Path.Combine(AppContext.BaseDirectory, "ccimage.dll");
        string work = Option(args, "--work") ?? Path.Combine(Path.GetTempPath(), "ccimage-mutation-run-" + Environment.ProcessId);
        Directory.CreateDirectory(work);
        if (!File.Exists(ccimage))
        {
            Console.Error.WriteLine($"mutation-run: {ccimage} not found (give --ccimage path/to/ccimage.dll)");
            return 2;
        }

        var shapes = MakeShapes(work);
        var tally = new Tally();
        var clock = Stopwatch.StartNew();
        Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = jobs }, i =>
        {
            var random = new Random(seed * 1_000_003 + i);
            var (name, image) = shapes[random.Next(shapes.Count)];
            byte[] input = File.ReadAllBytes(image);
            bool mutated = random.Next(5) != 0;
            if (mutated)
            {
                var focus = new Qcow2HeaderTarget().Focus(input).Concat(new Qcow2TablesTarget().Focus(input))
                    .Concat(new Qcow2RefcountTarget().Focus(input)).ToList();
                input = new MutationEngine(seed * 7919 + i).Mutate(input, focus, []);
            }
            string dir = Path.Combine(work, "case-" + i.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(dir);
            try
            {
                RunCase(ccimage, dir, input, $"{name}{(mutated ? " mutated" : "")} #{i}", tally);
                Directory.Delete(dir, recursive: true); // kept only when a finding was recorded
            }
            catch (FuzzPropertyException e)
            {
                tally.Finding(e.Message);
            }
        });
        Console.WriteLine($"mutation run: {count} images ({shapes.Count} shapes, seed {seed}) in {clock.Elapsed.TotalSeconds:F0} s");
        foreach (string command in Commands)
            Console.WriteLine(tally.Line(command));
        Console.WriteLine($"qemu-img clean before: {tally.CleanBefore}; findings: {tally.Findings.Count}");
        foreach (string f in tally.Findings.Take(20))
            Console.WriteLine("  " + f);
        if (tally.Findings.Count == 0)
            Directory.Delete(work, recursive: true);
        else
            Console.WriteLine($"cases with findings are kept in {work}");
        return tally.Findings.Count == 0 ? 0 : FuzzStats.ExitFinding;
    }

    private static void RunCase(string ccimage, string dir, byte[] input, string label, Tally tally)
    {
        string image = Path.Combine(dir, "case.qcow2");
        File.WriteAllBytes(image, input);
        bool cleanBefore = Run("qemu-img", ["check", image], dir).ExitCode == 0;
        if (cleanBefore)
            tally.AddCleanBefore();

        Judge(tally, "info", label, Run("dotnet", [ccimage, "qcow2", "info", image], dir));

        var convert = Run("dotnet", [ccimage, "qcow2", "convert", image, Path.Combine(dir, "out.qcow2")], dir);
        Judge(tally, "convert", label, convert);
        if (convert.ExitCode == 0 && Run("qemu-img", ["check", Path.Combine(dir, "out.qcow2")], dir).ExitCode != 0)
            throw new FuzzPropertyException($"{label}: convert wrote an image qemu-img check calls unclean");
        if (convert.ExitCode == 0 && cleanBefore && Run("qemu-img", ["compare", image, Path.Combine(dir, "out.qcow2")], dir).ExitCode != 0)
            throw new FuzzPropertyException($"{label}: convert's output differs from its clean input (qemu-img compare)");

        foreach (bool growGpt in new[] { false, true })
        {
            string command = growGpt ? "resize --grow-gpt" : "resize";
            string copy = Path.Combine(dir, growGpt ? "grow-gpt.qcow2" : "grow.qcow2");
            File.WriteAllBytes(copy, input);
            string[] arguments = growGpt ? [ccimage, "qcow2", "resize", copy, "+5M", "--grow-gpt"] : [ccimage, "qcow2", "resize", copy, "+5M"];
            var r = Run("dotnet", arguments, dir);
            Judge(tally, command, label, r);
            var debris = Directory.GetFiles(dir).Where(f => f.Contains(".undo-", StringComparison.Ordinal) || f.Contains(".tmp-", StringComparison.Ordinal)).ToList();
            if (debris.Count > 0)
                throw new FuzzPropertyException($"{label}: {command} left {string.Join(", ", debris.Select(Path.GetFileName))}");
            if (r.ExitCode != 0 && !SHA256.HashData(File.ReadAllBytes(copy)).AsSpan().SequenceEqual(SHA256.HashData(input)))
                throw new FuzzPropertyException($"{label}: a failed {command} changed the image");
            if (r.ExitCode == 0 && cleanBefore)
            {
                var check = Run("qemu-img", ["check", copy], dir);
                if (check.ExitCode != 0)
                    throw new FuzzPropertyException($"{label}: {command} of a clean image left it unclean: {check.Output.Trim()}");
                tally.AddResizedClean(command);
            }
        }
    }

    private static void Judge(Tally tally, string command, string label, (int ExitCode, string Output, bool TimedOut) r)
    {
        if (r.TimedOut)
        {
            tally.Add(command, "hang");
            throw new FuzzPropertyException($"{label}: {command} did not finish");
        }
        if (r.Output.Contains("   at ", StringComparison.Ordinal) || r.Output.Contains("Unhandled exception", StringComparison.Ordinal)
            || r.Output.Contains("CCIMG1157", StringComparison.Ordinal) || r.ExitCode is not (0 or 1))
        {
            tally.Add(command, "stack trace");
            throw new FuzzPropertyException($"{label}: {command} exited {r.ExitCode}: {r.Output.Trim()}");
        }
        tally.Add(command, r.ExitCode == 0 ? "ok" : "clean error");
    }

    /// <summary>The base images: every cluster size with every variant, each a GPT disk with data, by qemu-img.</summary>
    private static List<(string Name, string Path)> MakeShapes(string work)
    {
        string raw = Path.Combine(work, "gpt.raw");
        using (var f = new FileStream(raw, FileMode.Create))
            f.SetLength(8 << 20);
        Must("sgdisk", ["-n", "1:2048:+3M", "-c", "1:first", "-n", "2:0:0", "-c", "2:second", raw]);
        using (var f = new FileStream(raw, FileMode.Open))
        {
            var data = new byte[200_000];
            new Random(42).NextBytes(data);
            for (int i = 0; i < data.Length; i += 3000)
                data.AsSpan(i, 1000).Clear(); // compressible stretches, so -c stores compressed clusters
            f.Position = 2048 * 512;
            f.Write(data);
            f.Position = (8 << 20) - 600_000;
            f.Write(data.AsSpan(0, 50_000));
        }
        var shapes = new List<(string, string)>();
        foreach (int cluster in ClusterSizes)
            foreach (var variant in Variants)
            {
                string name = $"c{cluster}{string.Concat(variant.Where(v => v != "-o").Select(v => "_" + v.TrimStart('-')))}";
                string path = Path.Combine(work, name + ".qcow2");
                string options = string.Join(',', variant.Where(v => v.Contains('=', StringComparison.Ordinal)).Append($"cluster_size={cluster}"));
                Must("qemu-img", ["convert", "-O", "qcow2", .. variant.Where(v => v == "-c"), "-o", options, raw, path]);
                shapes.Add((name, path));
            }
        return shapes;
    }

    private static void Must(string tool, string[] arguments)
    {
        var r = Run(tool, arguments, Environment.CurrentDirectory);
        if (r.ExitCode != 0)
            throw new InvalidOperationException($"{tool} {string.Join(' ', arguments)}: {r.Output}");
    }

    private static (int ExitCode, string Output, bool TimedOut) Run(string tool, string[] arguments, string dir)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = dir };
        foreach (string a in arguments)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            return (-1, "", true);
        }
        return (p.ExitCode, stdout.Result + stderr.Result, false);
    }

    private static string? Option(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>Counts per command and outcome, shared by the workers.</summary>
    private sealed class Tally
    {
        private readonly Dictionary<(string, string), int> _counts = [];
        private readonly Dictionary<string, int> _resizedClean = [];
        public List<string> Findings { get; } = [];
        public int CleanBefore { get; private set; }

        public void Add(string command, string outcome)
        {
            lock (this)
                _counts[(command, outcome)] = _counts.GetValueOrDefault((command, outcome)) + 1;
        }

        public void AddCleanBefore()
        {
            lock (this)
                CleanBefore++;
        }

        public void AddResizedClean(string command)
        {
            lock (this)
                _resizedClean[command] = _resizedClean.GetValueOrDefault(command) + 1;
        }

        public void Finding(string text)
        {
            lock (this)
                Findings.Add(text);
        }

        public string Line(string command)
        {
            lock (this)
            {
                int Get(string o) => _counts.GetValueOrDefault((command, o));
                string extra = command.StartsWith("resize", StringComparison.Ordinal)
                    ? $" / clean image resized and qemu-img clean {_resizedClean.GetValueOrDefault(command)}" : "";
                return $"{command,-18} ok {Get("ok")} / clean error {Get("clean error")} / stack trace {Get("stack trace")} / hang {Get("hang")}{extra}";
            }
        }
    }
}
