// Base class of every CcImage task: runs the task body and reports a CcImageException as an MSBuild error with its code,
// file and line; Ctrl+C (ICancelableTask) cancels the token the body receives.
using CcImage.Core.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace CcImage.Tasks;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "MSBuild never disposes a task; the token source holds no timer or handle that needs releasing.")]
public abstract class CcTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    protected CancellationToken CancellationToken => _cancel.Token;

    /// <summary>The Core log, forwarding to this task's MSBuild log.</summary>
    protected ILog CoreLog => new TaskLog(Log);

    public void Cancel() => _cancel.Cancel();

    public sealed override bool Execute()
    {
        try
        {
            ExecuteCore();
        }
        catch (CcImageException e)
        {
            LogError(e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogError(Diag.Error(nameof(Strings.FileOperationFailed), e.Message));
        }
        catch (OperationCanceledException)
        {
            Log.LogMessage(MessageImportance.High, "Cancelled.");
            return false;
        }
        return !Log.HasLoggedErrors;
    }

    /// <summary>The task body: validate inputs, call Core, set outputs.</summary>
    protected abstract void ExecuteCore();

    protected void LogError(CcImageException e) =>
        Log.LogError(subcategory: null, errorCode: e.Code, helpKeyword: e.Code, helpLink: null,
            file: e.File ?? BuildEngine?.ProjectFileOfTaskNode, lineNumber: e.Line, columnNumber: 0,
            endLineNumber: 0, endColumnNumber: 0, message: e.Message);
}

/// <summary>Adapts Core's <see cref="ILog"/> onto an MSBuild <see cref="TaskLoggingHelper"/>.</summary>
internal sealed class TaskLog(TaskLoggingHelper log) : ILog
{
    public void Info(string message) => log.LogMessage(MessageImportance.Normal, message);
    public void Detail(string message) => log.LogMessage(MessageImportance.Low, message);
    public void Warning(string code, string message) =>
        log.LogWarning(null, code, code, null, 0, 0, 0, 0, message);
}
