// The NVFlare tests' fixtures checked on the build machine before an image relies on them (a mistake inside a hardened
// guest shows only as silence): the fixture wheelhouse installs with the host's own pip from the folder alone (no
// index) and its packages import with the versions they name; the fixture sites' sub_start.sh scripts are valid bash
// and their programs valid Python.
using System.Text;

namespace CcImage.Tests.Nvflare;

[TestClass]
public sealed class NvflareFixtureTests
{
    private static readonly Dictionary<string, string> PipEnvironment = new()
    {
        ["PIP_CONFIG_FILE"] = "/dev/null", ["PIP_DISABLE_PIP_VERSION_CHECK"] = "1", ["PIP_NO_INPUT"] = "1", ["PIP_ROOT_USER_ACTION"] = "ignore",
        ["PYTHONDONTWRITEBYTECODE"] = "1",
    };

    [TestMethod]
    public void FixtureWheelhouse_InstallsWithTheHostsPipFromTheFolderAlone_AndImports()
    {
        string target = TestPaths.NewTempDir("wheelhouse-target");
        try
        {
            var pip = ProcessResult.Run("python3", ["-m", "pip", "install", "--no-index", "--find-links", FixtureWheelhouse.Folder, "--target", target,
                    "--no-compile", $"nvflare=={FixtureWheelhouse.OtherNvflareVersion}", $"{FixtureWheelhouse.AppName}=={FixtureWheelhouse.OtherAppVersion}"],
                environment: PipEnvironment, timeoutSeconds: 300);
            Assert.AreEqual(0, pip.ExitCode, pip.Output);
            StringAssert.Contains(pip.StandardOutput, $"nvflare-{FixtureWheelhouse.OtherNvflareVersion}");
            var import = ProcessResult.Run("python3", ["-c", $"import nvflare, {FixtureWheelhouse.AppModule} as a; print(nvflare.__version__, a.VERSION)"],
                environment: new Dictionary<string, string>(PipEnvironment) { ["PYTHONPATH"] = target });
            Assert.AreEqual(0, import.ExitCode, import.Output);
            Assert.AreEqual($"{FixtureWheelhouse.OtherNvflareVersion} {FixtureWheelhouse.OtherAppVersion}", import.StandardOutput.Trim());
        }
        finally
        {
            Directory.Delete(target, recursive: true);
        }
    }

    [TestMethod]
    public void FixtureWheels_AreTheSameBytesEveryTime()
    {
        string again = FixtureWheelhouse.Write(TestPaths.NewTempDir("wheelhouse-again"));
        try
        {
            var first = Directory.GetFiles(FixtureWheelhouse.Folder).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
            CollectionAssert.AreEqual(first, Directory.GetFiles(again).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList());
            foreach (string name in first)
                CollectionAssert.AreEqual(File.ReadAllBytes(Path.Combine(FixtureWheelhouse.Folder, name)), File.ReadAllBytes(Path.Combine(again, name)), name);
        }
        finally
        {
            Directory.Delete(again, recursive: true);
        }
    }

    [TestMethod]
    public void FixtureSiteScripts_AreValidBash_WithValidPythonPrograms()
    {
        foreach (var (role, script) in new[] { ("client", FixtureSiteScripts.Client), ("server", FixtureSiteScripts.Server) })
        {
            var bash = ProcessResult.Run("bash", ["-n"], standardInput: Encoding.UTF8.GetBytes(script));
            Assert.AreEqual(0, bash.ExitCode, $"{role}: {bash.Output}");
            var python = ProcessResult.Run("python3", ["-c", "import sys; compile(sys.stdin.read(), 'sub_start.sh', 'exec')"],
                standardInput: Encoding.UTF8.GetBytes(FixtureSiteScripts.Program(script)));
            Assert.AreEqual(0, python.ExitCode, $"{role}: {python.Output}\n{FixtureSiteScripts.Program(script)}");
        }
    }
}
