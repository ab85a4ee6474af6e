// The SDK's targets give every task that writes images or their boot files the file-list folder of the current output
// folder (FileListDirectory="$(CcFileListDir)"): a step's list written anywhere else is read by neither Clean nor
// _CcWriteManifest, so its outputs would stay after Clean and be missing from manifest.json (as the NVFlare images were).
using System.Xml.Linq;

namespace CcImage.Tests.Sdk;

[TestClass]
public sealed class SdkFileListTests
{
    /// <summary>The tasks whose Core step records what it wrote (FileList.Write) or reads those records.</summary>
    private static readonly string[] StepTasks =
        ["BuildBaseImage", "InstallNvflare", "ResizeStageImage", "HardenImage", "MeasureSnp", "TestImage", "WriteArtifactManifest"];

    [TestMethod]
    public void ImageStepTasks_InEveryTargetsFile_GetTheFileListFolderOfTheOutputFolder()
    {
        string build = Path.Combine(TestPaths.RepoRoot, "sdk", "CcImage.Sdk", "build");
        var calls = Directory.GetFiles(build, "*.targets")
            .SelectMany(f => XDocument.Load(f).Descendants().Where(e => StepTasks.Contains(e.Name.LocalName) && e.Parent?.Name.LocalName == "Target")
                .Select(e => (File: Path.GetFileName(f), Target: e.Parent!.Attribute("Name")?.Value, Task: e.Name.LocalName,
                    FileLists: e.Attribute("FileListDirectory")?.Value)))
            .ToList();
        CollectionAssert.IsSubsetOf(StepTasks, calls.Select(c => c.Task).Distinct().ToList(), "every step task is called somewhere");
        var wrong = calls.Where(c => c.FileLists != "$(CcFileListDir)").Select(c => $"{c.File}: target {c.Target}, task {c.Task}").ToList();
        Assert.IsEmpty(wrong, string.Join("\n", wrong));
    }
}
