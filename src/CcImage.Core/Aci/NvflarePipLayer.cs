// The NVFlare layer of the ACI image: `pip install nvflare==VERSION` into a folder that becomes the image's
// site-packages for NVFlare (CcNvflareHome/lib/pythonX.Y/site-packages, put on PYTHONPATH), from a local wheelhouse
// (CcPipFindLinks, no index) or an index (CcPipIndexUrl). Bytecode is not compiled, so the folder holds only what
// the wheels hold. This is the one place the ACI path runs pip; it can later use the VM stages' shared pip step.
using CcImage.Core.Diagnostics;
using CcImage.Core.Tools;

namespace CcImage.Core.Aci;

public static class NvflarePipLayer
{
    /// <summary>The image path of the NVFlare packages for a Python version.</summary>
    public static string SitePackages(string nvflareHome, string pythonVersion) =>
        $"{nvflareHome.TrimEnd('/')}/lib/python{pythonVersion}/site-packages";

    /// <summary>Installs NVFlare into <paramref name="targetDirectory"/> (created empty).</summary>
    public static void Install(string targetDirectory, string version, string? findLinks, string? indexUrl, ILog log, CancellationToken cancellationToken)
    {
        if (Directory.Exists(targetDirectory))
            Directory.Delete(targetDirectory, true);
        Directory.CreateDirectory(targetDirectory);
        var args = new List<string> { "-m", "pip", "install", "--no-compile", "--disable-pip-version-check", "--no-input", "--target", targetDirectory };
        if (!string.IsNullOrEmpty(findLinks))
        {
            args.Add("--find-links");
            args.Add(findLinks);
        }
        if (!string.IsNullOrEmpty(indexUrl))
        {
            args.Add("--index-url");
            args.Add(indexUrl);
        }
        else if (!string.IsNullOrEmpty(findLinks))
        {
            args.Add("--no-index");
        }
        args.Add("nvflare==" + version);
        var environment = new Dictionary<string, string?> { ["PYTHONDONTWRITEBYTECODE"] = "1", ["PIP_NO_CACHE_DIR"] = "1" };
        new ToolRunner(log).Run(HostTool.Python3, args, environment: environment, cancellationToken: cancellationToken);
    }
}
