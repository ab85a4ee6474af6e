// RootFsHooks: the generated hook scripts are valid sh (checked with dash -n) also when paths hold quotes and
// spaces, and the lock's pins are apt_preferences(5) stanzas apt accepts.
using CcImage.Core.RootFs;

namespace CcImage.Tests.RootFs;

[TestClass]
public class RootFsHooksTests
{
    [TestMethod]
    public void Scripts_OddPaths_AreValidShell()
    {
        string dir = TestPaths.NewTempDir("hooks with 'quotes'");
        try
        {
            string source = Path.Combine(dir, "it's a \"tool\" $(reboot)");
            File.WriteAllText(source, "x");
            var spec = new RootFsSpec
            {
                Locale = "en_US.UTF-8",
                Timezone = "America/Argentina/Buenos_Aires",
                Files = [new RootFsFile(source, "/opt/it's here/tool") { Owner = "nvflare:nvflare" }],
            };
            var deb = new LocalDeb(Path.Combine(dir, "a b'.deb"), new string('a', 64), new LockedPackage("x-driver", "1.0", "amd64"));
            var packageLock = new PackageLock("debian", "bookworm", "amd64", [new LockedPackage("libc6", "2.36-9+deb12u14", "amd64")]);
            foreach (string script in new[] { RootFsHooks.SetupScript(RootFsHooks.Preferences(packageLock), [Path.Combine(dir, "x y_InRelease")]), RootFsHooks.SetupScript(null, []), RootFsHooks.CustomizeScript(spec, [deb]) })
            {
                string path = Path.Combine(dir, "hook");
                File.WriteAllText(path, script);
                RefTools.Run("dash", "-n", path).AssertSuccess("dash -n\n" + script);
                StringAssert.StartsWith(script, "#!/bin/sh\n");
            }
            string customize = RootFsHooks.CustomizeScript(spec, [deb]);
            StringAssert.Contains(customize, "/it'\\''s a \"tool\" $(reboot)'");
            StringAssert.Contains(customize, "localedef --no-archive -i 'en_US' -c -f UTF-8 'en_US.UTF-8'");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [TestMethod]
    public void Preferences_PinEveryLockedVersion()
    {
        var packageLock = new PackageLock("debian", "bookworm", "amd64",
            [new LockedPackage("libc6", "2.36-9+deb12u14", "amd64"), new LockedPackage("adduser", "3.134", "all")]);
        Assert.AreEqual("Package: adduser\nPin: version 3.134\nPin-Priority: 1001\n\nPackage: libc6\nPin: version 2.36-9+deb12u14\nPin-Priority: 1001\n\n",
            RootFsHooks.Preferences(packageLock));
    }
}
