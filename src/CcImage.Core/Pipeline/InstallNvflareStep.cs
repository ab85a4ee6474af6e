// InstallNvflare (stage 2): NVFlare in the base image. Its tree is the base root filesystem's cached tree changed by
// StageLayer — the service account (CcUser/CcGroup), a virtual environment at CcVenvPath made with the image's Python
// (or CcPythonArchive's), `pip install nvflare==CcNvflareVersion` from CcPipIndexUrl/CcPipExtraIndexUrl/CcPipFindLinks,
// and a check that the environment imports nvflare of exactly that version — keyed by the base tree's key and exactly
// these inputs. The tree is the same for every role; the NVFlare home layout of the site's role is its overlay, made
// when the image is assembled. Output: nvflare_cc_image.qcow2 and its boot chain (ResizeQcow2 grows the image next).
using System.Text.RegularExpressions;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Layout;
using CcImage.Core.Nvflare;

namespace CcImage.Core.Pipeline;

public static partial class InstallNvflareStep
{
    public const string Name = "InstallNvflare";

    /// <summary>Bump when the tree this stage writes for the same inputs changes.</summary>
    public const int FormatVersion = 1;

    /// <summary>Written beside the stage record: the key of the stage's tree, which later stages' MSBuild inputs watch.</summary>
    public const string TreeKeyExtension = ".tree";

    /// <summary>Whether Build runs the NVFlare stages: CcNvflareVersion is set (and the project builds VM images).</summary>
    public static bool AppliesTo(ImageProject project) =>
        project.Settings.Optional("CcNvflareVersion") != null
        && !string.Equals(project.Settings.Optional("CcTarget"), "ACI", StringComparison.OrdinalIgnoreCase);

    public static StageRecord Run(PipelineContext context) =>
        StageOutputs.RemovedOnFailure(context, Name, context.Project.Settings["CcNvflareImageName"], () => Build(context));

    private static StageRecord Build(PipelineContext context)
    {
        var project = context.Project;
        project.Settings.Validate();
        var layout = PartitionLayout.Resolve(project);
        RequireRoot(layout, Name);
        var tree = EnsureTree(context, layout) with { Overlay = new TreeOverlay { Directories = HomeLayout(project) } };
        var record = ImageAssembler.Assemble(context, Name, project.Settings["CcNvflareImageName"], layout, tree);
        WriteTreeKey(context, Name, tree);
        return record;
    }

    /// <summary>The stage's tree: from the cache, or the base tree with NVFlare installed.</summary>
    public static StageTree EnsureTree(PipelineContext context, IReadOnlyList<LayoutPartition> layout)
    {
        var project = context.Project;
        string version = Version(project);
        var account = ServiceAccount.From(project);
        string home = ImagePath.Absolute(project.Settings["CcNvflareHome"], "CcNvflareHome");
        var python = PythonEnvironment.From(project, home);
        var sources = PipSources.From(project);
        var previous = RootFsStage.Ensure(context, layout);
        python.CheckDistribution(previous.TarPath, $"{project.Settings["CcDistribution"]} {project.Settings["CcSuite"]}", context.Log);

        var manifest = new CacheManifest("nvflare-tree", FormatVersion)
            .Add("nvflare", version)
            .Add("account", $"{account.User}:{account.Group}")
            .Add("home", home);
        python.AddTo(manifest);
        sources.AddTo(manifest);
        return StageLayer.Ensure(context, Name, previous, manifest, session =>
        {
            account.Create(session, home);
            python.Create(session);
            PipInstaller.Prepare(session, sources, sources.UsesNetwork);
            PipInstaller.Install(session, python.VenvPython, sources, ["nvflare==" + version], "nvflare==" + version);
            Verify(session, python.VenvPython, version);
        });
    }

    /// <summary>The NVFlare home folders of the project's role, owned by its service account.</summary>
    public static IReadOnlyList<OverlayDirectory> HomeLayout(ImageProject project) =>
        NvflareHomeLayout.For(project.Settings.Choice("CcRole"), ImagePath.Absolute(project.Settings["CcNvflareHome"], "CcNvflareHome"),
            ServiceAccount.From(project));

    /// <summary>CcNvflareVersion, required and checked: it becomes part of a pip requirement.</summary>
    public static string Version(ImageProject project)
    {
        string version = project.Settings.Required("CcNvflareVersion", "the NVFlare version InstallNvflare installs, e.g. 2.7.0");
        if (!PipVersion().IsMatch(version))
            throw Diag.Error(nameof(Strings.NvflareVersionInvalid), version);
        return version;
    }

    /// <summary>CCIMG1263 unless the layout has a root filesystem for the stage to change.</summary>
    public static void RequireRoot(IReadOnlyList<LayoutPartition> layout, string step)
    {
        if (!layout.Any(p => p.IsRoot))
            throw Diag.Error(nameof(Strings.NvflareStagesNeedRoot), step);
    }

    /// <summary>Records the tree key beside the stage record, rewritten only when it changes.</summary>
    public static void WriteTreeKey(PipelineContext context, string step, StageTree tree)
    {
        Directory.CreateDirectory(context.StagesDirectory);
        OutputFiles.WriteTextIfChanged(Path.ChangeExtension(StageRecord.PathFor(context.StagesDirectory, step), TreeKeyExtension),
            tree.Key + "\n");
    }

    /// <summary>
    /// The environment imports nvflare, and its version is the one asked for (compared as PEP 440 versions, so 2.7 is
    /// 2.7.0): CCIMG4304 when pip installed another, CCIMG4305 when it cannot be imported. HardenImage checks again after
    /// the site's requirements, which could replace it.
    /// </summary>
    public static void Verify(StageLayerSession session, string venvPython, string version)
    {
        const string Probe = """
            import sys, importlib.metadata as m
            from pip._vendor.packaging.version import Version
            try:
                import nvflare
            except Exception as e:
                print("import-failed " + type(e).__name__ + ": " + str(e)); sys.exit(3)
            v = m.version("nvflare")
            print("nvflare " + v)
            sys.exit(0 if Version(v) == Version(sys.argv[1]) else 4)
            """;
        var result = session.Run([venvPython, "-c", Probe, version], new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" },
            allowFailure: true, prefix: "  check: ");
        string output = result.StandardOutput.Trim();
        if (result.ExitCode == 4)
            throw Diag.Error(nameof(Strings.NvflareVersionMismatch), output.Replace("nvflare ", "", StringComparison.Ordinal), version);
        if (result.ExitCode != 0)
            throw Diag.Error(nameof(Strings.NvflareImportFailed), ServiceAccount.LastLine(output + "\n" + result.StandardError));
        var freeze = session.Run([venvPython, "-m", "pip", "list", "--format=freeze"], PipInstaller.Environment(session), allowFailure: true, prefix: "  installed: ");
        if (freeze.ExitCode != 0)
            session.Log.Detail("pip list failed: " + freeze.StandardError.Trim());
    }

    [GeneratedRegex(@"^[0-9][0-9A-Za-z.+!_-]*$")]
    private static partial Regex PipVersion();
}
