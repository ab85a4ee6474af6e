// The logging surface Core writes progress to; the MSBuild tasks and the CLI each provide one.
namespace CcImage.Core.Diagnostics;

public interface ILog
{
    void Info(string message);
    void Detail(string message);
    void Warning(string code, string message);
}

/// <summary>A log that drops everything (library callers that do not care).</summary>
public sealed class NullLog : ILog
{
    public static readonly NullLog Instance = new();
    public void Info(string message) { }
    public void Detail(string message) { }
    public void Warning(string code, string message) { }
}
