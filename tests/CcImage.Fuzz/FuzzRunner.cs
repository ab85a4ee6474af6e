// Runs one target for a time budget: seeds from the corpus folder, then mutated inputs, each classified as accepted,
// clean error (CcImageException), crash (any other exception, or a broken property) or hang (longer than the hang
// limit, caught by a watchdog thread). Inputs that give an outcome not seen before join the in-memory corpus, a cheap
// feedback that lets mutations build on inputs passing more checks. Crashes and hangs are saved to the findings folder.
using System.Diagnostics;
using System.Security.Cryptography;
using CcImage.Core.Diagnostics;

namespace CcImage.Fuzz;

internal sealed class FuzzRunner(IFuzzTarget target, string corpusRoot, string findingsRoot, int seed, TimeSpan hangLimit)
{
    private const int MaxCorpus = 2000;

    /// <summary>Scratch files live in memory where possible (/dev/shm), so the journal's fsyncs cost nothing.</summary>
    public static string ScratchRoot => Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();

    private long _inputStartTicks;
    private volatile byte[]? _current;

    public FuzzStats Run(TimeSpan budget)
    {
        var stats = new FuzzStats(target.Name);
        var corpus = LoadCorpus();
        string scratch = Path.Combine(ScratchRoot, "ccimage-fuzz", target.Name + "-" + Environment.ProcessId);
        Directory.CreateDirectory(scratch);
        var outcomes = new HashSet<string>();
        var engine = new MutationEngine(seed);
        var random = new Random(seed ^ 0x5EED);
        using var watchdog = StartWatchdog(stats, scratch);
        var clock = Stopwatch.StartNew();
        try
        {
            // Every seed once, then mutations until the budget is spent.
            int seedIndex = 0;
            while (clock.Elapsed < budget)
            {
                byte[] input;
                if (seedIndex < corpus.Count)
                    input = corpus[seedIndex++];
                else
                {
                    var parent = corpus.Count == 0 ? [] : corpus[random.Next(corpus.Count)];
                    input = engine.Mutate(parent, target.Focus(parent), corpus);
                }
                string outcome = RunOne(input, scratch, stats);
                if (outcomes.Add(outcome) && corpus.Count < MaxCorpus && seedIndex >= corpus.Count)
                    corpus.Add(input);
            }
        }
        finally
        {
            _current = null;
            try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        }
        return stats;
    }

    /// <summary>Runs one input and counts it; returns its outcome ("ok", a CCIMG code, or "crash:Type").</summary>
    public string RunOne(byte[] input, string scratch, FuzzStats stats)
    {
        Interlocked.Exchange(ref _inputStartTicks, Stopwatch.GetTimestamp());
        _current = input;
        stats.Tried++;
        try
        {
            target.Run(input, scratch);
            stats.Accepted++;
            return "ok";
        }
        catch (CcImageException e)
        {
            stats.CleanErrors++;
            return e.Code;
        }
        catch (Exception e)
        {
            stats.Crashes++;
            Save("crash", input, e.ToString());
            return "crash:" + e.GetType().Name;
        }
        finally
        {
            _current = null;
        }
    }

    private Timer StartWatchdog(FuzzStats stats, string scratch) => new(_ =>
    {
        var input = _current;
        if (input == null)
            return;
        var elapsed = Stopwatch.GetElapsedTime(Interlocked.Read(ref _inputStartTicks));
        if (elapsed < hangLimit)
            return;
        stats.Hangs++;
        Save("hang", input, $"no result after {elapsed.TotalSeconds:F1} s");
        Console.Out.WriteLine(stats.Line());
        Console.Out.Flush();
        try { Directory.Delete(scratch, recursive: true); } catch (IOException) { }
        Environment.Exit(FuzzStats.ExitFinding);
    }, null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));

    private List<byte[]> LoadCorpus()
    {
        string dir = Path.Combine(corpusRoot, target.Name);
        if (!Directory.Exists(dir))
            return [];
        return Directory.GetFiles(dir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
    }

    private void Save(string kind, byte[] input, string why)
    {
        string dir = Path.Combine(findingsRoot, target.Name);
        Directory.CreateDirectory(dir);
        string name = kind + "-" + Convert.ToHexStringLower(SHA256.HashData(input))[..16];
        File.WriteAllBytes(Path.Combine(dir, name + ".bin"), input);
        File.WriteAllText(Path.Combine(dir, name + ".txt"), why + "\n");
    }
}
