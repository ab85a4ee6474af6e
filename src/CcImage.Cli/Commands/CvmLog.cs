// build-cvm's log (BuildCvmCommand): a few KiB of progress on stderr, everything in build.log beside the bundle.
using CcImage.Core.Diagnostics;

namespace CcImage.Cli.Commands;

/// <summary>build-cvm's log: everything into memory (saved as build.log beside the bundle), the first lines and every
/// warning on stderr.</summary>
internal sealed class CvmLog(bool verbose) : ILog, IDisposable
{
    /// <summary>Progress lines shown on stderr before the rest goes to build.log only.</summary>
    private const int ShownLines = 60;

    /// <summary>A line on stderr is cut to this many characters.</summary>
    private const int ShownWidth = 240;

    private readonly List<string> _all = [];
    private int _shown;

    public void Info(string message) => Add(message, important: false);
    public void Detail(string message) { if (verbose) Add(message, important: false); else lock (_all) _all.Add(message); }
    public void Warning(string code, string message) => Add($"warning {code}: {message}", important: true);

    private void Add(string message, bool important)
    {
        lock (_all)
        {
            _all.Add(message);
            if (!verbose && !important && _shown >= ShownLines)
                return;
            _shown++;
            Console.Error.WriteLine(verbose || message.Length <= ShownWidth ? message : message[..ShownWidth] + "...");
            if (!verbose && _shown == ShownLines)
                Console.Error.WriteLine("(more progress in build.log beside the bundle)");
        }
    }

    public void SaveNextTo(string folder)
    {
        lock (_all)
            File.WriteAllLines(Path.Combine(folder, "build.log"), _all);
    }

    public void Dispose() { }
}
