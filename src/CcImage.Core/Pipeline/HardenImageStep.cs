// HardenImage (stage 3): the site's image, locked down. Its tree is InstallNvflare's cached tree changed by StageLayer —
// the site's requirements (CcRequirementsFile, required) installed with pip into the virtual environment and NVFlare
// checked again (a requirement must not replace CcNvflareVersion), then the hardening script (Hardening/HardeningScript:
// no ssh, no sudo, no login on any console, root locked, kernel and sysctl hardening, no set-id programs, nftables
// default drop with only the CcAllowedPort items open, the site service) run inside the tree and kept there — keyed by
// the previous tree's key, the requirements' content and the script's text. The overlay adds the NVFlare home layout
// of the role and the startup kit (CcStartupKit) on the config partition; the layout adds the site's input (client) or
// output (server) mount; the kernel command line gets CcHardeningKernelCmdline. Output:
// nvflare_cc_image_hardened.qcow2, grown to CcImageSize like the stage-2 image.
using CcImage.Core.Caching;
using CcImage.Core.Config;
using CcImage.Core.Diagnostics;
using CcImage.Core.Hardening;
using CcImage.Core.Layout;
using CcImage.Core.Nvflare;

namespace CcImage.Core.Pipeline;

public static class HardenImageStep
{
    public const string Name = "HardenImage";

    /// <summary>Bump when the tree this stage writes for the same inputs changes.</summary>
    public const int FormatVersion = 1;

    /// <summary>obj/&lt;cfg&gt;/HardenImage.inputs: the requirements files and the local files they name, one a line.</summary>
    public const string InputsExtension = ".inputs";

    public static StageRecord Run(PipelineContext context)
    {
        var project = context.Project;
        string imageName = project.Settings["CcHardenedImageName"];
        return StageOutputs.RemovedOnFailure(context, Name, imageName, () => Build(context, imageName));
    }

    private static StageRecord Build(PipelineContext context, string imageName)
    {
        var project = context.Project;
        project.Settings.Validate();
        var requirements = RequirementsFile.Read(project.Settings.Path("CcRequirementsFile", project.ProjectDirectory)!);
        // The files the requirements name, for the MSBuild target's inputs (a changed local wheel reruns the stage).
        Directory.CreateDirectory(project.IntermediateDirectory);
        OutputFiles.WriteTextIfChanged(Path.Combine(project.IntermediateDirectory, Name + InputsExtension),
            string.Concat(requirements.Files.Concat(requirements.References).Select(f => f + "\n")));
        var layout = HardenedLayout.Resolve(project);
        InstallNvflareStep.RequireRoot(layout, Name);
        var overlay = Overlay(project);
        var tree = EnsureTree(context, requirements, layout) with { Overlay = overlay };
        string? kernelArguments = project.Settings.Optional("CcHardeningKernelCmdline");
        var record = ImageAssembler.Assemble(context, Name, imageName, layout, tree, kernelArguments);
        ResizeStep.Grow(context, record, layout, () =>
        {
            File.Delete(record.Image);
            return ImageAssembler.Assemble(context, Name, imageName, layout, tree, kernelArguments);
        });
        InstallNvflareStep.WriteTreeKey(context, Name, tree);
        return record;
    }

    /// <summary>The stage's tree: from the cache, or InstallNvflare's tree with the requirements and the hardening.</summary>
    public static StageTree EnsureTree(PipelineContext context, RequirementsFile requirements, IReadOnlyList<LayoutPartition> layout)
    {
        var project = context.Project;
        string script = HardeningScript.For(project, layout);
        var sources = PipSources.From(project);
        string venvPython = ImagePath.Absolute(project.Settings["CcVenvPath"], "CcVenvPath") + "/bin/python";
        string nvflareVersion = InstallNvflareStep.Version(project);
        var previous = InstallNvflareStep.EnsureTree(context, layout);

        var manifest = new CacheManifest("hardened-tree", FormatVersion).Add("script", HardeningScript.Hash(script));
        requirements.AddTo(manifest);
        sources.AddTo(manifest);
        return StageLayer.Ensure(context, Name, previous, manifest, session =>
        {
            if (requirements.NamesPackages)
            {
                PipInstaller.Prepare(session, sources, sources.UsesNetwork || requirements.UsesNetwork);
                string file = requirements.Stage(session);
                PipInstaller.Install(session, venvPython, sources, ["-r", file], "-r " + Path.GetFileName(requirements.Path));
                // A requirement may have replaced NVFlare (another version pinned, or a wheel of its own).
                InstallNvflareStep.Verify(session, venvPython, nvflareVersion);
            }
            else
                session.Log.Info($"{Name}: {requirements.Path} names no package; nothing to install.");
            RunScript(session, script);
        });
    }

    /// <summary>The overlay of the hardened image: the NVFlare home of the role and the site's startup kit.</summary>
    public static TreeOverlay Overlay(ImageProject project)
    {
        var copies = new List<OverlayCopy>();
        if (project.Settings.Path("CcStartupKit", project.ProjectDirectory) is { } kit)
        {
            if (!Directory.Exists(kit))
                throw Diag.Error(nameof(Strings.StartupKitMissing), kit);
            var account = ServiceAccount.From(project);
            string config = ImagePath.Absolute(project.Settings["CcNvflareHome"], "CcNvflareHome") + "/" + NvflareHomeLayout.ConfigFolder;
            foreach (var (folder, destination) in new[] { ("startup", "startup"), ("local", "site_conf") })
                if (Directory.Exists(Path.Combine(kit, folder)))
                    copies.Add(new OverlayCopy(Path.Combine(kit, folder), $"{config}/{destination}", "root", account.Group));
        }
        return new TreeOverlay { Directories = InstallNvflareStep.HomeLayout(project), Copies = copies };
    }

    /// <summary>What the hardened image runs that the base set must have brought: program, package, purpose.</summary>
    private static readonly (string Path, string Package, string Purpose)[] RequiredPrograms =
    [
        ("/usr/sbin/nft", "nftables", "its firewall"),
        ("/usr/lib/systemd/systemd-networkd", "systemd", "its network (DHCP)"),
    ];

    private static void RunScript(StageLayerSession session, string script)
    {
        foreach (var (program, package, purpose) in RequiredPrograms)
            if (Cpio.UnixFileStatus.TryGet(session.HostPath(program)) == null)
                throw Diag.Error(nameof(Strings.HardenedImageMissesProgram), program, package, purpose);
        string host = session.HostPath(HardeningScript.PathInImage);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        File.WriteAllText(host, script);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(host, Boot.BootAssets.ExecutableMode);
        session.Log.Info($"{Name}: running {HardeningScript.PathInImage}");
        var environment = new Dictionary<string, string>
        {
            ["SOURCE_DATE_EPOCH"] = session.Context.Project.SourceDateEpoch.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var result = session.Run(["/bin/sh", HardeningScript.PathInImage], environment, allowFailure: true, prefix: "  ");
        if (result.ExitCode != 0)
            throw Diag.Error(nameof(Strings.HardeningFailed), FailureLine(result.StandardError + "\n" + result.StandardOutput));
    }

    /// <summary>The script's own "hardening: FAILED: …" line when it wrote one, else the last line it printed.</summary>
    private static string FailureLine(string output) =>
        output.Split('\n').Select(l => l.Trim()).LastOrDefault(l => l.StartsWith(HardeningFailedPrefix, StringComparison.Ordinal))
            ?? ServiceAccount.LastLine(output);

    /// <summary>How system_hardening.sh starts the line that says why it stopped.</summary>
    private const string HardeningFailedPrefix = "hardening: FAILED:";
}
