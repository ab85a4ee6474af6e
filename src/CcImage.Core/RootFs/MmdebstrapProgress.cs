// Turns mmdebstrap's streamed output (--verbose: its own "I:" status lines plus apt's and dpkg's output) into log
// messages while it runs: status lines, warnings and errors at normal importance, a count of downloaded and set-up
// packages every few packages, everything else as detail.
using System.Globalization;
using CcImage.Core.Diagnostics;

namespace CcImage.Core.RootFs;

internal sealed class MmdebstrapProgress(ILog log)
{
    private const int CountEvery = 25;
    private const string SettingUp = "Setting up ";
    private int _downloaded;
    private int _setUp;

    public void Line(string line)
    {
        if (line.StartsWith("I: ", StringComparison.Ordinal) || line.StartsWith("W: ", StringComparison.Ordinal)
            || line.StartsWith("E: ", StringComparison.Ordinal))
        {
            log.Info("mmdebstrap: " + line);
            return;
        }
        log.Detail(line);
        if (line.StartsWith("Get:", StringComparison.Ordinal) && ++_downloaded % CountEvery == 0)
            log.Info(string.Create(CultureInfo.InvariantCulture, $"mmdebstrap: {_downloaded} packages downloaded"));
        if (line.StartsWith(SettingUp, StringComparison.Ordinal) && ++_setUp % CountEvery == 0)
            log.Info(string.Create(CultureInfo.InvariantCulture, $"mmdebstrap: {_setUp} packages set up (now {line[SettingUp.Length..].Split(' ')[0]})"));
    }
}
