// Base class of every CcImage task: runs the task body and reports a CcImageException as an MSBuild error with its
// code, a help link to its entry in the docs/errors.md the SDK package ships, and the file and line of the user's
// project it is about (found from the setting the message names; DiagnosticLocator) instead of the SDK's own targets
// file; Ctrl+C (ICancelableTask) cancels the token the body receives.
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace CcImage.Tasks;

[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "MSBuild never disposes a task; the token source holds no timer or handle that needs releasing.")]
public abstract class CcTask : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();
    private ProjectSourceMap? _sourceMap;

    /// <summary>The user's own MSBuild files (the project, Directory.Build.props/.targets) a diagnostic may point into;
    /// the first is the project file.</summary>
    public string[] ProjectFiles { get; set; } = [];

    protected CancellationToken CancellationToken => _cancel.Token;

    /// <summary>The Core log, forwarding to this task's MSBuild log.</summary>
    protected ILog CoreLog => new TaskLog(this);

    /// <summary>The user's files, read on first use.</summary>
    protected ProjectSourceMap SourceMap => _sourceMap ??= ProjectSourceMap.Load(ProjectFiles);

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

    protected void LogError(CcImageException e)
    {
        var at = Locate(e);
        Log.LogError(subcategory: null, errorCode: e.Code, helpKeyword: e.Code, helpLink: HelpLink(e.Code),
            file: at?.File ?? BuildEngine?.ProjectFileOfTaskNode, lineNumber: at?.Line ?? 0, columnNumber: 0,
            endLineNumber: 0, endColumnNumber: 0, message: e.Message);
    }

    protected void LogWarning(CcImageException e)
    {
        var at = Locate(e);
        Log.LogWarning(subcategory: null, warningCode: e.Code, helpKeyword: e.Code, helpLink: HelpLink(e.Code),
            file: at?.File ?? BuildEngine?.ProjectFileOfTaskNode, lineNumber: at?.Line ?? 0, columnNumber: 0,
            endLineNumber: 0, endColumnNumber: 0, message: e.Message);
    }

    /// <summary>Where a diagnostic points: overridden by tasks that know better than the message.</summary>
    protected virtual SourceLocation? Locate(CcImageException e) => DiagnosticLocator.Locate(e, SourceMap);

    /// <summary>The entry for <paramref name="code"/> in the docs/errors.md shipped beside the tasks (package layout
    /// <c>tasks/net8.0/</c> → <c>docs/errors.md</c>).</summary>
    public static string HelpLink(string code)
    {
        string tasks = Path.GetDirectoryName(typeof(CcTask).Assembly.Location) ?? ".";
        string errors = Path.GetFullPath(Path.Combine(tasks, "..", "..", "docs", "errors.md"));
        return new Uri(errors).AbsoluteUri + "#" + code.ToLowerInvariant();
    }

    /// <summary>Adapts Core's <see cref="ILog"/> onto the task's MSBuild log; warnings get a code, link and location.</summary>
    private sealed class TaskLog(CcTask task) : ILog
    {
        public void Info(string message) => task.Log.LogMessage(MessageImportance.Normal, message);
        public void Detail(string message) => task.Log.LogMessage(MessageImportance.Low, message);
        public void Warning(string code, string message) => task.LogWarning(new CcImageException(code, message));
    }
}
