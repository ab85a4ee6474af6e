// Assembly-wide cleanup: removes what shared fixtures left (the shared root filesystem) and then the run's whole scratch
// folder (TestPaths.RunDir).
namespace CcImage.Tests;

[TestClass]
public static class TestRunCleanup
{
    [AssemblyCleanup]
    public static void DeleteSharedFixtures()
    {
        SharedRootFs.DeleteFolder();
        TestPaths.DeleteRunDir();
    }
}
