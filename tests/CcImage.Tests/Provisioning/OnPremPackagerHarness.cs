// Calls a build_image_cmd exactly as NVFlare's OnPremPackager (nvflare/lighter/cc_provision/impl/onprem_packager.py)
// does for one participant: the site's cc_config copied to a temporary .yaml, user_config.nvflare set to the site's
// startup-kit folder and the YAML written back, the command run as [build_image_cmd, temp_yaml] with no working folder
// of its own and the inherited environment, stdout and stderr read one line each in turn with blocking reads (as its
// run_command does, so a command that floods one stream stalls here as it would there), the temporary YAML deleted as
// soon as the command returns, the bundle path taken from stdout with `CVM Bundle\s+([^\s]+)\s+is ready`, the site's
// folder emptied and the bundle copied into it as <site>.tgz.
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace CcImage.Tests.Provisioning;

internal static partial class OnPremPackagerHarness
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError, string? BundlePath, string? SiteTgz, string TempYaml);

    /// <param name="buildImageCmd">An executable file (the packager checks os.access X_OK).</param>
    /// <param name="resultLocation">NVFlare's prod_NN folder; the startup kit is resultLocation/participant.</param>
    public static Result Run(string buildImageCmd, string ccConfig, string resultLocation, string participant,
        IDictionary<string, string> environment, TimeSpan timeout)
    {
        Assert.IsTrue(File.Exists(buildImageCmd) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(buildImageCmd) & UnixFileMode.UserExecute) != 0),
            $"build_image_cmd {buildImageCmd} must be an executable file");
        string temp = Path.Combine(Path.GetTempPath(), "tmp" + Guid.NewGuid().ToString("N")[..8] + ".yaml");
        File.Copy(ccConfig, temp);
        int exit;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        try
        {
            AddStartupKit(temp, Path.Combine(resultLocation, participant));
            var psi = new ProcessStartInfo(buildImageCmd)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(temp);
            foreach (var (k, v) in environment)
                psi.Environment[k] = v;
            using var process = Process.Start(psi)!;
            using var watchdog = new Timer(_ => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }, null, timeout, Timeout.InfiniteTimeSpan);
            // run_command: readline on stdout, then on stderr, until both are at their end and the process has exited.
            while (true)
            {
                string? o = process.StandardOutput.ReadLine();
                string? e = process.StandardError.ReadLine();
                if (o != null)
                    stdout.AppendLine(o);
                if (e != null)
                    stderr.AppendLine(e);
                if (o == null && e == null && process.HasExited)
                    break;
            }
            process.WaitForExit();
            exit = process.ExitCode;
        }
        finally
        {
            File.Delete(temp);
        }
        string? bundle = stdout.ToString().Split('\n').Select(l => BundleLine().Match(l)).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        string? siteTgz = null;
        if (exit == 0 && bundle != null && File.Exists(bundle))
        {
            string siteDir = Path.Combine(resultLocation, participant);
            if (Directory.Exists(siteDir))
                Directory.Delete(siteDir, recursive: true);
            Directory.CreateDirectory(siteDir);
            siteTgz = Path.Combine(siteDir, participant + ".tgz");
            File.Copy(bundle, siteTgz);
        }
        return new Result(exit, stdout.ToString(), stderr.ToString(), bundle, siteTgz, temp);
    }

    /// <summary>_add_startup_kit_to_cc_config: yaml.safe_load, user_config.update({"nvflare": path}), yaml.safe_dump.</summary>
    private static void AddStartupKit(string yaml, string startupKit)
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(yaml))
            stream.Load(reader);
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        if (!root.Children.TryGetValue(new YamlScalarNode("user_config"), out var node) || node is not YamlMappingNode userConfig)
        {
            userConfig = new YamlMappingNode();
            root.Children[new YamlScalarNode("user_config")] = userConfig;
        }
        userConfig.Children[new YamlScalarNode("nvflare")] = new YamlScalarNode(startupKit);
        using var writer = new StreamWriter(yaml);
        stream.Save(writer, assignAnchors: false);
    }

    [GeneratedRegex(@"CVM Bundle\s+([^\s]+)\s+is ready")]
    private static partial Regex BundleLine();
}
