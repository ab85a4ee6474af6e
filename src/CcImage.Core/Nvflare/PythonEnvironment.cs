// The Python of the image's virtual environment: the distribution's python3 (its version read from the previous
// stage's tarball, so a wrong CcPythonVersion fails before anything is extracted) or an interpreter archive
// (CcPythonArchive) unpacked to CcNvflareHome/python inside the tree and asked for its version there. Either way the
// virtual environment is made with that interpreter, inside the tree (`python -m venv`, pip from the interpreter's own
// bundled wheel: nothing is downloaded and nothing of the build machine's Python is used).
using System.Globalization;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Pipeline;
using CcImage.Core.Tools;

namespace CcImage.Core.Nvflare;

public sealed record PythonEnvironment(Version? Requested, string? Archive, string VenvPath, string Home)
{
    /// <summary>The distribution's interpreter, as the tree sees it.</summary>
    public const string DistributionPython = "/usr/bin/python3";

    /// <summary>Where an interpreter archive goes, below CcNvflareHome.</summary>
    public string ArchivePrefix => Home.TrimEnd('/') + "/python";

    /// <summary>The virtual environment's interpreter, as the tree sees it.</summary>
    public string VenvPython => VenvPath.TrimEnd('/') + "/bin/python";

    public static PythonEnvironment From(ImageProject project, string home)
    {
        var s = project.Settings;
        string? archive = s.Path("CcPythonArchive", project.ProjectDirectory);
        if (archive != null)
            Config.InputFile.Require(archive, "CcPythonArchive");
        string venv = ImagePath.Absolute(s["CcVenvPath"], "CcVenvPath");
        return new PythonEnvironment(PythonVersion.Requested(s.Optional("CcPythonVersion")), archive, venv, home);
    }

    /// <summary>What of the interpreter choice changes the tree.</summary>
    public CacheManifest AddTo(CacheManifest manifest) => manifest
        .Add("python-version", Requested is { } v ? PythonVersion.Format(v) : "")
        .Add("python-archive", Archive is { } a ? "sha256:" + Hashing.FileHash.Sha256Hex(a) : "")
        .Add("venv", VenvPath);

    /// <summary>Before any work: the distribution's Python in <paramref name="previousTarball"/> against the request.</summary>
    public void CheckDistribution(string previousTarball, string distribution, ILog log)
    {
        if (Archive != null)
            return;
        var found = PythonVersion.InTarball(previousTarball)
            ?? throw Diag.Error(nameof(Strings.PythonMissing), distribution);
        PythonVersion.Check(Requested, found, distribution, log);
    }

    /// <summary>Installs the archive (when given), checks its version and makes the virtual environment.</summary>
    public void Create(StageLayerSession session)
    {
        string python = DistributionPython;
        if (Archive != null)
            python = InstallArchive(session);
        var environment = new Dictionary<string, string>
        {
            ["PYTHONDONTWRITEBYTECODE"] = "1",
            ["PIP_NO_COMPILE"] = "1",
            ["PIP_CONFIG_FILE"] = "/dev/null",
            ["PIP_NO_CACHE_DIR"] = "1",
            ["SOURCE_DATE_EPOCH"] = session.Context.Project.SourceDateEpoch.ToString(CultureInfo.InvariantCulture),
        };
        session.Log.Info($"{session.Step}: python -m venv {VenvPath} ({python})");
        var result = session.Run([python, "-m", "venv", VenvPath], environment, allowFailure: true, prefix: "  venv: ");
        if (result.ExitCode != 0 || !File.Exists(session.HostPath(VenvPath.TrimEnd('/') + "/bin/pip")))
            throw Diag.Error(nameof(Strings.VenvFailed), VenvPath, python,
                ServiceAccount.LastLine(result.StandardError + "\n" + result.StandardOutput));
    }

    private string InstallArchive(StageLayerSession session)
    {
        string prefix = ArchivePrefix;
        string host = session.HostPath(prefix);
        if (Cpio.UnixFileStatus.TryGet(host) != null)
            throw Diag.Error(nameof(Strings.PythonArchiveInvalid), Archive, $"cannot go to {prefix}: the image already has it");
        string staging = session.HostPath(session.Scratch("python-archive"));
        Directory.CreateDirectory(staging);
        session.Context.Runner.Run(HostTool.Tar, ["--extract", "--file", Archive!, "--directory", staging, "--no-same-owner",
            "--no-same-permissions", "--delay-directory-restore"], cancellationToken: session.CancellationToken);
        // bin/python3 at the top, or in the one top folder (python-build-standalone's "python/").
        string top = staging;
        var entries = Directory.GetFileSystemEntries(staging);
        if (Cpio.UnixFileStatus.TryGet(Path.Combine(top, "bin", "python3")) == null && entries.Length == 1 && Directory.Exists(entries[0]))
            top = entries[0];
        if (Cpio.UnixFileStatus.TryGet(Path.Combine(top, "bin", "python3")) == null)
            throw Diag.Error(nameof(Strings.PythonArchiveInvalid), Archive, "has no bin/python3 at its top or in its one top folder");
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        Directory.Move(top, host);
        string python = prefix + "/bin/python3";
        var result = session.Run([python, "-c", "import sys, venv, ensurepip; print('%d.%d' % sys.version_info[:2])"],
            new Dictionary<string, string> { ["PYTHONDONTWRITEBYTECODE"] = "1" }, allowFailure: true, prefix: "  python: ");
        var found = result.ExitCode == 0 ? PythonVersion.Parse(result.StandardOutput.Trim()) : null;
        if (found == null)
            throw Diag.Error(nameof(Strings.PythonArchiveInvalid), Archive,
                "does not run in the image with the venv and ensurepip modules (" + ServiceAccount.LastLine(result.StandardError + result.StandardOutput) + ")");
        PythonVersion.Check(Requested, found, "the interpreter archive " + Path.GetFileName(Archive), session.Log);
        return python;
    }
}
