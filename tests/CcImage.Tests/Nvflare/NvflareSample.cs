// A copy of samples/nvflare-client or samples/nvflare-server (project, requirements.txt and startup kit, never its
// outputs) in a temp folder, built through the packed SDK the way CONTRACT.md §5 builds it on a machine without PyPI:
// `dotnet build -p:CcPipFindLinks=<wheelhouse> -p:CcPipIndexUrl=`, with the fixture wheelhouse, the fixture site
// scripts in the startup kit, the fixture application pinned in requirements.txt, CcImageSize=4G and, on the client, the
// input mount encrypted with a key file given at launch. Every copy of a run shares one stage cache, so the root file
// system (mmdebstrap) and NVFlare's tree are built once per run; the client and the server are each built once and
// shared by every test that only reads them (Client, Server). All of it lives in the run's scratch folder, which the
// assembly cleanup removes; tests that make a copy of their own delete it when done (three images of several hundred MB).
using System.Diagnostics;
using CcImage.Core.Diagnostics;
using CcImage.Core.RootFs;
using CcImage.Core.Tools;
using CcImage.Tests.Sdk;

namespace CcImage.Tests.Nvflare;

internal sealed class NvflareSample
{
    /// <summary>CcImageSize of every test build: small enough to stay quick, larger than the assembled image.</summary>
    public const string ImageSize = "4G";
    public const long ImageSizeBytes = 4L << 30;

    /// <summary>A clean build makes the root file system; on 2 busy cores that can take a while.</summary>
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(40);

    private static readonly Lazy<string> CacheLazy = new(() => TestPaths.NewTempDir("nvflare-cache"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<NvflareSample> ClientLazy = new(() => Built("client", "shared"), LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<NvflareSample> ServerLazy = new(() => Built("server", "shared"), LazyThreadSafetyMode.ExecutionAndPublication);

    private NvflareSample(string role, string project)
    {
        Role = role;
        Project = project;
    }

    /// <summary>The stage cache every copy of the run builds with.</summary>
    public static string CacheDirectory => CacheLazy.Value;

    /// <summary>samples/nvflare-client, built once per run (read only: never change or rebuild it).</summary>
    public static NvflareSample Client => ClientLazy.Value;

    /// <summary>samples/nvflare-server, built once per run (read only).</summary>
    public static NvflareSample Server => ServerLazy.Value;

    /// <summary>client or server.</summary>
    public string Role { get; }

    public string Project { get; }

    public string Directory => Path.GetDirectoryName(Project)!;

    /// <summary>The startup kit folder of the copy (site-1 or server1).</summary>
    public string Kit => Path.Combine(Directory, KitName(Role));

    public string Requirements => Path.Combine(Directory, "requirements.txt");

    public string Output => Path.Combine(Directory, "bin", "Debug");

    public string Stages => Path.Combine(Directory, "obj", "Debug", "stages");

    /// <summary>The log of the copy's first build (Built only).</summary>
    public string Log { get; private set; } = "";

    /// <summary>How long the copy's first build took (Built only).</summary>
    public TimeSpan Elapsed { get; private set; }

    public string File(string name) => Path.Combine(Output, name);

    /// <summary>The properties every build of a copy gets on the command line.</summary>
    public IReadOnlyList<string> Properties =>
    [
        $"-p:CcPipFindLinks={FixtureWheelhouse.Folder}", "-p:CcPipIndexUrl=", $"-p:CcCacheDirectory={CacheDirectory}",
        $"-p:CcImageSize={ImageSize}", .. Role == "client" ? new[] { "-p:CcInputProtection=luks-keyfile" } : [],
    ];

    /// <summary>A new, unbuilt copy of the sample of <paramref name="role"/>.</summary>
    public static NvflareSample Copy(string role, string name)
    {
        string sample = Path.Combine(TestPaths.RepoRoot, "samples", "nvflare-" + role);
        string project = SdkFixture.CreateProject($"nvflare-{role}-{name}",
            System.IO.File.ReadAllText(Path.Combine(sample, $"nvflare-{role}.ccproj")));
        var copy = new NvflareSample(role, project);
        CopyFolder(Path.Combine(sample, KitName(role)), copy.Kit);
        System.IO.File.WriteAllText(Path.Combine(copy.Kit, "startup", "sub_start.sh"), role == "client" ? FixtureSiteScripts.Client : FixtureSiteScripts.Server);
        System.IO.File.WriteAllText(copy.Requirements, System.IO.File.ReadAllText(Path.Combine(sample, "requirements.txt"))
            + $"{FixtureWheelhouse.AppName}=={FixtureWheelhouse.AppVersion}\n");
        return copy;
    }

    /// <summary>`dotnet build` of the copy with <see cref="Properties"/> and <paramref name="extra"/>; the result and its time.</summary>
    public (ProcessResult Result, TimeSpan Elapsed) Build(params string[] extra)
    {
        var clock = Stopwatch.StartNew();
        var result = SdkFixture.Dotnet(BuildTimeout, "build", Project, [.. Properties, .. extra]);
        return (result, clock.Elapsed);
    }

    /// <summary>Deletes the copy (its outputs are large: three qcow2 images of several hundred MB).</summary>
    public void Delete()
    {
        if (System.IO.Directory.Exists(Directory))
            RootTree.Delete(new ToolRunner(NullLog.Instance), Directory);
    }

    private static NvflareSample Built(string role, string name)
    {
        var copy = Copy(role, name);
        var (result, elapsed) = copy.Build();
        result.AssertSuccess($"dotnet build samples/nvflare-{role}");
        copy.Log = result.Output;
        copy.Elapsed = elapsed;
        return copy;
    }

    private static string KitName(string role) => role == "client" ? "site-1" : "server1";

    private static void CopyFolder(string source, string destination)
    {
        foreach (string dir in System.IO.Directory.GetDirectories(source, "*", SearchOption.AllDirectories))
            System.IO.Directory.CreateDirectory(Path.Combine(destination, Path.GetRelativePath(source, dir)));
        System.IO.Directory.CreateDirectory(destination);
        foreach (string file in System.IO.Directory.GetFiles(source, "*", SearchOption.AllDirectories))
            System.IO.File.Copy(file, Path.Combine(destination, Path.GetRelativePath(source, file)));
    }
}
