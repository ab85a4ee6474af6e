// MSBuild task: reports one CCIMG diagnostic from Strings.resx for a check the targets make in plain MSBuild (so an
// up-to-date build loads no CcImage code), pointing at the line of the user's project that sets Setting, or at the
// project when nothing sets it.
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using Microsoft.Build.Framework;

namespace CcImage.Tasks;

public sealed class ReportDiagnostic : CcTask
{
    /// <summary>The resource name in Strings.resx (e.g. RoleInvalid).</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>The values the message is formatted with, in order.</summary>
    public string[] Arguments { get; set; } = [];

    /// <summary>The property (or item type) the diagnostic is about; its line in the user's files is the location.</summary>
    public string? Setting { get; set; }

    /// <summary><c>error</c> (default) or <c>warning</c>.</summary>
    public string Severity { get; set; } = "error";

    protected override void ExecuteCore()
    {
        var diagnostic = Diag.Error(Name, [.. Arguments]);
        if (Severity.Equals("warning", StringComparison.OrdinalIgnoreCase))
            LogWarning(diagnostic);
        else
            throw diagnostic;
    }

    protected override SourceLocation? Locate(CcImageException e)
    {
        if (!string.IsNullOrEmpty(Setting))
        {
            var at = SourceMap.FindProperty(Setting)
                ?? SourceMap.Items.FirstOrDefault(i => i.ItemType.Equals(Setting, StringComparison.OrdinalIgnoreCase))?.Location;
            if (at != null)
                return at;
        }
        return SourceMap.ProjectElement;
    }
}
