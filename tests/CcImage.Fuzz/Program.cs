// Entry point of the fuzzing harness:
//   list                                   the targets
//   run TARGET SECONDS [--corpus DIR] [--findings DIR] [--seed N]   fuzz one target; prints its counts line
//   replay TARGET FILE                     runs one saved input and prints its outcome
//   mutation-run [options]                 the qcow2 mutation run over whole ccimage commands (MutationRun)
// Exit 0 when no crash or hang was found, 3 when one was, 2 on bad usage.
using System.Globalization;
using CcImage.Fuzz;

if (args.Length == 0)
    return Usage();
switch (args[0])
{
    case "list":
        foreach (var t in FuzzTargets.All)
            Console.WriteLine($"{t.Name,-18} {t.Description}");
        return 0;
    case "run" when args.Length >= 3:
    {
        var target = FuzzTargets.Find(args[1]);
        if (target == null)
            return Usage();
        double seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
        string corpus = Option("--corpus") ?? Path.Combine("artifacts", "fuzz", "corpus");
        string findings = Option("--findings") ?? Path.Combine("artifacts", "fuzz", "findings");
        int seed = int.Parse(Option("--seed") ?? "1", CultureInfo.InvariantCulture);
        double hang = double.Parse(Option("--hang-seconds") ?? "10", CultureInfo.InvariantCulture);
        var stats = new FuzzRunner(target, corpus, findings, seed, TimeSpan.FromSeconds(hang)).Run(TimeSpan.FromSeconds(seconds));
        Console.WriteLine(stats.Line());
        return stats.Crashes + stats.Hangs > 0 ? FuzzStats.ExitFinding : 0;
    }
    case "replay" when args.Length >= 3:
    {
        var target = FuzzTargets.Find(args[1]);
        if (target == null)
            return Usage();
        var stats = new FuzzStats(target.Name);
        string scratch = Path.Combine(Path.GetTempPath(), "ccimage-fuzz", "replay-" + Environment.ProcessId);
        Directory.CreateDirectory(scratch);
        string outcome = new FuzzRunner(target, "", Path.Combine(scratch, "findings"), 1, TimeSpan.FromMinutes(10))
            .RunOne(File.ReadAllBytes(args[2]), scratch, stats);
        Directory.Delete(scratch, recursive: true);
        Console.WriteLine(outcome);
        return outcome.StartsWith("crash", StringComparison.Ordinal) ? FuzzStats.ExitFinding : 0;
    }
    case "mutation-run":
        return MutationRun.Execute(args[1..]);
    default:
        return Usage();
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static int Usage()
{
    Console.Error.WriteLine("usage: CcImage.Fuzz list | run TARGET SECONDS [--corpus DIR] [--findings DIR] [--seed N] [--hang-seconds S] | replay TARGET FILE | mutation-run [--count N] [--seed N] [--ccimage DLL] [--work DIR]");
    return 2;
}
