// An ILog that keeps every message with the time it arrived (to check that a tool's output streamed in while the tool
// ran) and echoes it to the console so a long build shows its progress in the test output.
using System.Diagnostics;
using CcImage.Core.Diagnostics;

namespace CcImage.Tests;

internal sealed class RecordingLog : ILog
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<(TimeSpan At, string Level, string Message)> _entries = [];
    private readonly bool _echo;

    public RecordingLog(bool echo = false) => _echo = echo;

    public IReadOnlyList<(TimeSpan At, string Level, string Message)> Entries
    {
        get { lock (_entries) return _entries.ToList(); }
    }

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Info(string message) => Add("info", message);
    public void Detail(string message) => Add("detail", message);
    public void Warning(string code, string message) => Add("warning", code + ": " + message);

    private void Add(string level, string message)
    {
        lock (_entries)
            _entries.Add((_clock.Elapsed, level, message));
        if (_echo && level != "detail")
            Console.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:F1}s] {message}");
    }
}
