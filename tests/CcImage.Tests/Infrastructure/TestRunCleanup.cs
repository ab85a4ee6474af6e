// Assembly-wide cleanup: removes what shared fixtures left in the per-run temp folder (the shared root filesystem).
namespace CcImage.Tests;

[TestClass]
public static class TestRunCleanup
{
    [AssemblyCleanup]
    public static void DeleteSharedFixtures() => SharedRootFs.DeleteFolder();
}
