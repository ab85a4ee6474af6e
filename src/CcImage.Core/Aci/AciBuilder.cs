// The one Core entry point of the Confidential ACI build, shared by `ccimage aci build` and the ACI MSBuild target:
// NVFlare and the startup kit as reproducible layers on a base image archive → aci/image.oci.tar; the ARM template
// (policy cleared) → its ccePolicy computed natively as `az confcom acipolicygen` 1.2.7 would → injected into
// aci/template.json, the policy text in aci/ccePolicy.rego; aci/deploy.sh. Every output is written beside its final
// path and renamed into place; the same inputs and SOURCE_DATE_EPOCH give the same bytes.
using System.Security.Cryptography;
using System.Text;
using CcImage.Core.Aci.Policy;
using CcImage.Core.Caching;
using CcImage.Core.Diagnostics;
using CcImage.Core.Oci;

namespace CcImage.Core.Aci;

public static class AciBuilder
{
    public const string OutputFolder = "aci";
    public const string ImageFile = "image.oci.tar";
    public const string TemplateFile = "template.json";
    public const string PolicyFile = "ccePolicy.rego";
    public const string DeployFile = "deploy.sh";
    private const UnixFileMode ScriptMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public static AciBuildResult Build(AciBuildRequest request, ILog log, CancellationToken cancellationToken = default)
    {
        Config.InputFile.Require(request.BaseImageArchive, "CcAciBaseImage");
        if (!request.ImageName.Contains('/', StringComparison.Ordinal))
            throw Diag.Error(nameof(Strings.AciPushReferenceInvalid), request.ImageName);
        string outDir = Path.Combine(request.OutputDirectory, OutputFolder);
        Directory.CreateDirectory(outDir);
        string work = Path.Combine(outDir, ".work");
        if (Directory.Exists(work))
            Directory.Delete(work, true);
        Directory.CreateDirectory(work);
        try
        {
            var layers = new List<ImageAssembler.AddedLayer>();
            var environment = new List<KeyValuePair<string, string>>();
            if (!string.IsNullOrEmpty(request.NvflareVersion))
            {
                string site = Path.Combine(work, "nvflare-site");
                log.Info($"installing nvflare=={request.NvflareVersion}");
                NvflarePipLayer.Install(site, request.NvflareVersion, request.PipFindLinks, request.PipIndexUrl, log, cancellationToken);
                string imagePath = NvflarePipLayer.SitePackages(request.NvflareHome, request.PythonVersion);
                var layer = DirectoryLayer.Write(site, imagePath, Path.Combine(work, "nvflare.tar"), request.SourceDateEpoch, 0, 0, false, cancellationToken);
                layers.Add(new(layer, $"ccimage: pip install nvflare=={request.NvflareVersion}"));
                environment.Add(new("PYTHONPATH", imagePath));
                environment.Add(new("PATH", $"{imagePath}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"));
            }
            string kitPath = request.NvflareHome.TrimEnd('/');
            if (request.StartupKitDirectory is { } kit)
            {
                kitPath = $"{request.NvflareHome.TrimEnd('/')}/{Path.GetFileName(Path.TrimEndingDirectorySeparator(kit))}";
                var layer = DirectoryLayer.Write(kit, kitPath, Path.Combine(work, "startup-kit.tar"), request.SourceDateEpoch, 0, 0, false, cancellationToken);
                layers.Add(new(layer, "ccimage: NVFlare server startup kit"));
            }
            var command = request.Command ?? ["/bin/bash", $"{kitPath}/startup/sub_start.sh"];

            string imageArchive = Path.Combine(outDir, ImageFile);
            var written = ImageAssembler.Assemble(request.BaseImageArchive, request.ImageName, layers,
                new ImageAssembler.ConfigChanges(environment, kitPath, command, request.Ports),
                request.SourceDateEpoch, Path.Combine(work, "base"), imageArchive, cancellationToken);

            // The template with an empty policy is what `az confcom acipolicygen` reads; the policy then goes into it.
            string cleared = Path.Combine(work, TemplateFile);
            File.WriteAllText(cleared, ArmTemplateWriter.Text(ArmTemplateWriter.Build(request, command, "")));
            var (raw, base64) = PolicyGenerator.Policy(new PolicyGenOptions
            {
                TemplatePath = cleared,
                TarMapping = imageArchive,
                ApproveWildcards = true,
            }, log, cancellationToken);

            string template = Path.Combine(outDir, TemplateFile);
            AtomicFile.WriteAllText(template, ArmTemplateWriter.Text(ArmTemplateWriter.Build(request, command, base64)));
            string rego = Path.Combine(outDir, PolicyFile);
            AtomicFile.WriteAllText(rego, raw);
            string deploy = Path.Combine(outDir, DeployFile);
            AtomicFile.Write(deploy, temp =>
            {
                File.WriteAllText(temp, DeployScriptWriter.Script(request));
                if (!OperatingSystem.IsWindows())
                    File.SetUnixFileMode(temp, ScriptMode);
            });
            string policySha = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(raw))).ToLowerInvariant();
            log.Info($"ccePolicy sha256 {policySha}; image {request.ImageName} manifest {written.ManifestDigest}");
            return new AciBuildResult(imageArchive, template, rego, deploy, written.ManifestDigest, policySha, []);
        }
        finally
        {
            Directory.Delete(work, true);
        }
    }
}
